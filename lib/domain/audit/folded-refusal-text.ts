import type { Tally } from "./distinct-tally";
import type { FoldedRefusals, FoldingPolicy } from "./refusal-folding";

/** The action of the events that stand for a flood past the limit (one actor's, or the crowd's). */
export const FLOOD_ACTION = "refusal_flood";

/** Who a crowd event is written as: many actors, none of them tracked one by one. */
export const FLOOD_ACTOR = { id: "aviary-refusal-limit", email: null, role: null } as const;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
// Keys and names are chosen by whoever was refused: each is cut short so the sample stays small.
const clip = (text: string) => (text.length > 120 ? `${text.slice(0, 119)}…` : text);

function listed({ first, distinct, capped }: Tally, word: string): string {
  const count = capped ? `at least ${plural(distinct, `distinct ${word}`)}` : plural(distinct, `distinct ${word}`);
  const shown = first.length < distinct ? `, the first ${first.length}` : "";
  return `${count}${shown}: ${first.map(clip).join("; ")}`;
}

/** The error message of a folded event: how many, when, and for a flood what was tried and by whom. */
export function describeFolded<T extends { message: string }>(folded: FoldedRefusals<T>, policy: FoldingPolicy): string {
  const between = `between ${new Date(folded.firstAt).toISOString()} and ${new Date(folded.lastAt).toISOString()}`;
  if (folded.kind === "repeats") return `${folded.sample.message} (the same request was refused ${plural(folded.count, "more time")} ${between})`;
  const window = `${policy.windowMs / 1000} s`;
  if (folded.kind === "overflow") {
    return (
      `${plural(folded.count, "more refused request")} from ${clip(folded.actorId)} past the limit of ${policy.limitPerActor} per ${window}, ` +
      `answered 429, ${between}; ${listed(folded.keys, "request")}. The last: ${folded.sample.message}`
    );
  }
  return (
    `${plural(folded.count, "refused request")} from actors beyond the ${policy.maxActors} tracked per ${window}, answered 429, ${between}; ` +
    `${listed(folded.actors, "actor")}; ${listed(folded.keys, "request")}. The last: ${folded.sample.message}`
  );
}
