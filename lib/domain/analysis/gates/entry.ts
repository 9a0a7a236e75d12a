import type { z } from "zod";
import type { JudgeResult } from "../judge";

/**
 * What every gate kind provides, in one object per kind (gates/<kind>.ts) that the registry
 * (gates/index.ts) holds: the role of Argo Rollouts' metric `Provider` interface, except that the
 * registry is a mapped type the compiler checks, so a kind without its evaluator, unit, cost or
 * (in lib/prometheus/gates) its queries does not build, where Argo's factory fails at run time.
 */

export type Verdict = "pass" | "fail" | "inconclusive";

export type Counts = { requests: number; errors: number };
export type ValueSample = { value: number | null; requests?: number };

/** What the loop got for a gate: its evidence, or why there is none (never a pass). */
export type ObservationOf<E> = { status: "unreachable"; message?: string } | { status: "no_data" } | { status: "ok"; data: E };

/** One evaluation's outcome before the registry adds the gate's id, kind and unit. */
export type GateResult = {
  verdict: Verdict;
  value: number | null;
  threshold: number | null;
  reason: string;
  /** The one-sided p-value behind a count-based verdict. */
  pValue?: number;
  /** The window that decided, when shorter than the gate's (an error gate's scan of its newest scrapes). */
  window?: string;
  /** The burn-rate condition whose figure is the value (the one that fired, else the fastest). */
  condition?: string;
  judge?: JudgeResult;
};

/**
 * What a gate costs a pass in Prometheus queries (query-budget.ts): `custom` queries sent for this
 * rollout alone, or a share of a grouped query every rollout of the pass rides in, paid once per key.
 */
export type GateCost = { custom: number } | { shared: string; queries: number };

/** Queries of the shared grouped requests; the integration test counts them against the real client. */
export const WINDOW_QUERIES = 2; // a window's counts, then its quantiles
export const BURN_RATE_QUERIES = 2; // every burn-rate gate of the pass together

/** The fields every gate has (schema-parts.ts `common`). */
export type GateBase<K extends string> = { kind: K; name?: string | undefined; window: string; failureLimit: number; minRequests: number };

/** `K` is the kind the entry is registered under (its schema's `kind` literal; gates/index.ts checks they agree). */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- K names the kind in each `satisfies`, for the reader and the error message.
export type GateKindEntry<K extends string, G extends GateBase<string>, E> = {
  /** The gate as written in a rollout's `analysis.gates`, with its defaults (zod, strict). */
  schema: z.ZodType<G, unknown>;
  /** The value's unit, as stored with each evaluation and shown beside it ("%", "ms", "" for none). */
  unit: string;
  /**
   * Set for kinds queried per rollout (user templates), which need analysis.intervalSeconds >= 10:
   * how the refusal names them.
   */
  perRollout?: string;
  cost(gate: G): GateCost;
  /** The verdict from evidence that arrived (`ok`); no data and Prometheus down are handled once, before. */
  evaluate(gate: G, evidence: E): GateResult;
};
