import { z } from "zod";
import { binomialLowerTail, binomialUpperTail } from "../stats";
import { WINDOW_QUERIES, type GateKindEntry, type GateResult } from "./entry";
import { common, confidence } from "./schema-parts";
import { formatP, formatPercent, formatWindow } from "./verdict-text";

/** The split gate: does the mesh send the canary the share Aviary set? (a route or subset that does not match shows here first). */
const DEFAULTS = { window: "1m", failureLimit: 3, minRequests: 100, confidence: 0.999, tolerance: 0.5 };

const schema = z.strictObject({
  kind: z.literal("split"),
  ...common(DEFAULTS),
  tolerance: z.number({ error: "tolerance must be a number of percentage points" }).min(0).max(50).default(DEFAULTS.tolerance),
  confidence: confidence(DEFAULTS.confidence),
});

export type SplitGate = z.output<typeof schema>;
/** Requests each side served in the window, and the canary weight Aviary set (percent). */
export type SplitEvidence = { setWeight: number; canaryRequests: number; stableRequests: number };

/** The observed canary share against the weight set, outside the tolerance only when significant. */
function evaluateSplit(gate: SplitGate, data: SplitEvidence): GateResult {
  const total = data.canaryRequests + data.stableRequests;
  if (total < Math.max(1, gate.minRequests)) {
    return {
      verdict: "inconclusive",
      value: null,
      threshold: data.setWeight,
      reason: `the route served ${total} of the ${gate.minRequests} requests needed in ${formatWindow(gate.window)}`,
    };
  }
  const observed = (data.canaryRequests / total) * 100;
  const high = Math.min(100, data.setWeight + gate.tolerance);
  const low = Math.max(0, data.setWeight - gate.tolerance);
  const pValue =
    observed > high ? binomialUpperTail(data.canaryRequests, total, high / 100) : observed < low ? binomialLowerTail(data.canaryRequests, total, low / 100) : 1;
  const said = `observed canary share ${formatPercent(observed)} vs ${data.setWeight}% set (± ${gate.tolerance} points), ${total} requests in ${formatWindow(gate.window)}`;
  if (pValue < 1 - gate.confidence) return { verdict: "fail", value: observed, threshold: data.setWeight, pValue, reason: `${said} (${formatP(pValue)})` };
  return { verdict: "pass", value: observed, threshold: data.setWeight, pValue, reason: said };
}

export const splitGate = {
  schema,
  unit: "%",
  // Its share is a per-rollout part of its window's count query (lib/prometheus/gates/split.ts).
  cost: (gate) => ({ shared: `window:${gate.window}`, queries: WINDOW_QUERIES }),
  evaluate: evaluateSplit,
} satisfies GateKindEntry<"split", SplitGate, SplitEvidence>;
