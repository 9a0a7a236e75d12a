import { z } from "zod";
import { WINDOW_QUERIES, type GateKindEntry } from "./entry";
import { common, hasLimit, limits, needsLimit } from "./schema-parts";
import { evaluateValue, type ValueEvidence } from "./verdict-text";

/** The request-rate gate: requests per second the canary served over the window (a canary that stopped serving), against limits. */
const DEFAULTS = { window: "1m", failureLimit: 3, minRequests: 0 };

const schema = z.strictObject({ kind: z.literal("requestRate"), ...common(DEFAULTS), ...limits("requests/s") }).refine(hasLimit, needsLimit);

export type RequestRateGate = z.output<typeof schema>;
/** value in requests per second. */
export type RequestRateEvidence = ValueEvidence;

export const requestRateGate = {
  schema,
  unit: "req/s",
  // Rides in its window's grouped count query (lib/prometheus/gates/request-rate.ts).
  cost: (gate) => ({ shared: `window:${gate.window}`, queries: WINDOW_QUERIES }),
  evaluate: (gate, data) => evaluateValue(gate, data, { label: "request rate", unit: "req/s" }),
} satisfies GateKindEntry<"requestRate", RequestRateGate, RequestRateEvidence>;
