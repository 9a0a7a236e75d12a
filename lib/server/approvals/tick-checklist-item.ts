import { z } from "zod";
import { AppError } from "../../app-error";
import { setTick } from "../../db/approvals";
import { findRollout } from "../../db/rollouts";
import type { Tick } from "../../domain/approvals/status";
import { parse } from "../../domain/validation-errors";
import type { Deps } from "../../composition/deps";
import { assertRolloutId, notFound } from "../rollout-id";
import { audited, type Command, type CommandInput } from "../commands/audited";

export const tickInputSchema = z.strictObject(
  { ticked: z.boolean({ error: "ticked must be true or false" }).default(true) },
  { error: "body must be a JSON object {ticked?}" },
);

export type TickChecklistItemOptions = { id: string; itemId: string } & CommandInput;

const OPEN = ["draft", "progressing", "paused"];

/** Whether the body asks to untick (`{"ticked": false}`); anything else, no body included, ticks. */
const tickActionOf = (input: unknown) => ((input as { ticked?: unknown } | null | undefined)?.ticked === false ? "approval_untick" : "approval_tick");

/** POST /api/rollouts/{id}/approvals/checklist/{itemId}: operators; no body means "tick it". */
export const tickChecklistItemCommand = {
  role: "operator",
  name: tickActionOf,
  body: "optional",
  run: (deps, options) => tickChecklistItem(deps, options),
} satisfies Command<{ id: string; itemId: string }, Tick | null>;

/**
 * Ticks (or unticks) one checklist item, under the rollout's action lock so a promotion never
 * reads a tick half-way, and writes the audit event in the same transaction.
 */
export async function tickChecklistItem(deps: Deps, { id, itemId, input, bodyError, context }: TickChecklistItemOptions): Promise<Tick | null> {
  return audited(deps, { action: tickActionOf(input), context }, async (trail) => {
    const validId = assertRolloutId(id);
    const exists = await findRollout(deps.db, validId);
    if (!exists) throw notFound(id);
    trail.rolloutId = validId;
    return deps.locks.withLock(validId, async () => {
      if (bodyError !== undefined) throw bodyError;
      const { ticked } = parse(tickInputSchema, input ?? {});
      const rollout = (await findRollout(deps.db, validId))!;
      const item = rollout.approvals?.checklist.find((candidate) => candidate.id === itemId);
      if (!item) throw new AppError("NOT_FOUND", `rollout ${rollout.name} has no checklist item "${itemId.slice(0, 63)}"`);
      if (!OPEN.includes(rollout.status))
        throw new AppError("INVALID_STATE", `the checklist cannot change while the rollout is ${rollout.status.replace("_", " ")}`);
      return trail.write(async (tx, record) => {
        const tick = await setTick(tx, { rolloutId: validId, itemId, ticked, actor: context.actor, at: deps.now() });
        await record({ after: { item: item.id, text: item.text, ticked, ...(tick ? { tickedBy: tick.actorId, tickedAt: tick.at.toISOString() } : {}) } });
        return tick;
      });
    });
  });
}
