import type { ValueSample } from "../domain/analysis/evaluate";
import { unreachable, type ShownQuery } from "./custom-gate-evidence";
import type { WindowAnswer } from "./gates/entry";

type Side = "canary" | "stable";

/**
 * How a windowed gate kind reads its evidence from its window's grouped parts (see windowParts in
 * fetch-analysis-evidence.ts), and the query that produced its value: the part's expression for
 * the rollout's group, verbatim as sent, with the labels of the canary's series in its answer.
 */
export function windowReader({ fetched, index }: WindowAnswer) {
  const values = fetched?.ok ? fetched.value : null;
  const get = (side: Side, part: string) => values?.get(index, side, part);
  const counts = (side: Side, suffix = "") => {
    const requests = get(side, `requests${suffix}`);
    if (requests === undefined || requests === null) return undefined;
    // Whole counts already (counted); rounding only guards against float noise. The errors are the
    // error share's: the gate's value is that part's, and its counts agree with it.
    const share = get(side, `errorRate${suffix}`);
    const errors = typeof share === "number" ? Math.round((share * requests) / 100) : 0;
    return { requests: Math.max(Math.round(requests), errors), errors };
  };
  return {
    shown(part: string): ShownQuery | null {
      const text = values?.expr(index, part);
      if (text === undefined) return null;
      return { text, series: values?.series(index, "canary") ?? null };
    },
    /** Why there is no evidence at all: the window was not fetched, or Prometheus failed; null when it answered. */
    missing() {
      if (!fetched) return { status: "no_data" } as const;
      return fetched.ok ? null : unreachable(fetched.message);
    },
    counts,
    /** A value part with the requests its side served (undefined: the side has no requests series). */
    sample(side: Side, part: string): ValueSample | undefined {
      const sideCounts = counts(side);
      return sideCounts ? { value: get(side, part) ?? null, requests: sideCounts.requests } : undefined;
    },
    ofRollout: (part: string) => values?.ofRollout(index, part),
  };
}

/** Leaves out an absent stable side, as the evaluators expect. */
export const withStable = <T>(data: { canary: T; stable?: T | undefined }): { canary: T; stable?: T } =>
  data.stable === undefined ? { canary: data.canary } : { canary: data.canary, stable: data.stable };
