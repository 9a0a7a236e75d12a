import { z } from "zod";
import { WINDOW_QUERIES, type GateKindEntry } from "./entry";
import { common, hasLimit, limits, needsLimit } from "./schema-parts";
import { evaluateValue, type ValueEvidence } from "./verdict-text";

/**
 * The latency gates: the canary's P95 or P99 (histogram_quantile over Envoy's buckets) against
 * limits, absolute or relative to stable.
 *
 * A P95 from a few dozen requests rests on two or three tail samples and Envoy's wide buckets
 * (100 -> 250 -> 500 ms): the 10-minute soak at 1 request/s saw it read 164 ms for a true 95 ms.
 * 100 requests put at least five samples in the tail; below that the gate is inconclusive.
 */
const DEFAULTS = { window: "1m", failureLimit: 3, minRequests: 100 };

const schemaOf = <K extends "latencyP95" | "latencyP99">(kind: K) =>
  z.strictObject({ kind: z.literal(kind), ...common(DEFAULTS), ...limits("ms") }).refine(hasLimit, needsLimit);

const latencyP95Schema = schemaOf("latencyP95");
const latencyP99Schema = schemaOf("latencyP99");
export type LatencyGate<K extends "latencyP95" | "latencyP99"> = z.output<ReturnType<typeof schemaOf<K>>>;
/** The canary's quantile in ms, and stable's, with the requests each served in the window. */
export type LatencyEvidence = ValueEvidence;

const entryOf = <K extends "latencyP95" | "latencyP99">(schema: ReturnType<typeof schemaOf<K>>, label: string) =>
  ({
    schema,
    unit: "ms",
    // The quantiles ride in their window's grouped quantile query (lib/prometheus/gates/latency.ts).
    cost: (gate) => ({ shared: `window:${gate.window}`, queries: WINDOW_QUERIES }),
    evaluate: (gate, data) => evaluateValue(gate, data, { label, unit: "ms" }),
  }) satisfies GateKindEntry<K, LatencyGate<K>, LatencyEvidence>;

export const latencyP95Gate = entryOf(latencyP95Schema, "p95 latency");
export const latencyP99Gate = entryOf(latencyP99Schema, "p99 latency");
