import type { GateKind, GateOf } from "../../domain/analysis/definition";
import type { Observation } from "../../domain/analysis/evaluate";
import type { BurnConditions } from "../burn-condition-queries";
import type { PrometheusClient, ShownQuery } from "../custom-gate-evidence";
import type { OverviewBurnInputs } from "../fetch-overview-burn-rates";
import type { GroupedPart, GroupedValues, RolloutPart } from "../grouped-instant";
import type { RolloutTargets } from "../selector";

/**
 * How a gate kind gets its evidence from Prometheus: one object per kind (gates/<kind>.ts), held by
 * the registry in gates/index.ts, which is typed by the domain's GateKind, so a kind added there
 * without its queries does not compile. Like an Argo Rollouts metric provider, except that the
 * built-in kinds do not query alone: they name the parts they add to a shared grouped query (one
 * per window for every rollout of the pass, or the burn-rate query) and read their value back,
 * and the part that produced a value is the text shown beside it (built by the builder that ran).
 */

type Fetched<T> = { ok: true; value: T } | { ok: false; message: string };

/** A gate's evidence and the query that produced its value; `byDecider`: the queries one of which produced it when the evaluation names a window or condition. */
export type Found<K extends GateKind> = { observation: Observation<K>; query: ShownQuery | null; byDecider?: Readonly<Record<string, ShownQuery>> };

/** One rollout's place in its window's grouped answer (undefined: not fetched). */
export type WindowAnswer = { fetched: Fetched<GroupedValues> | undefined; index: number; setWeight: number };

export type BurnFetched = Fetched<{ ratios: OverviewBurnInputs[]; conditions: BurnConditions }>;
/** `index`: the rollout's place in the request; `slot`: its place in the burn-condition query's. */
export type BurnAnswer = { fetched: BurnFetched | null; index: number; slot: number; ageSeconds: number | undefined };

export type GateQueries<K extends GateKind> =
  | {
      /** Rides in the grouped instant queries of its window (fetchGroupedParts), shared by every rollout of the pass. */
      source: "window";
      /** Parts it adds for every workload of the window's groups (base parts: the counts and both quantiles). */
      parts?: (window: string) => GroupedPart[];
      /** Parts built per rollout that has such a gate (what a grouped part cannot pair, e.g. a rollout's canary against its own stable). */
      rolloutParts?: (window: string) => Omit<RolloutPart, "rollouts">[];
      read: (gate: GateOf<K>, answer: WindowAnswer) => Found<K>;
    }
  | {
      /** Rides in the overview's burn-rate query (fetchBurnRatesWith), with its conditions' figures. */
      source: "burn";
      availability: (gate: GateOf<K>) => number;
      read: (gate: GateOf<K>, answer: BurnAnswer) => Found<K>;
    }
  | {
      /** Queried for this rollout alone: a template of the team's own cannot be grouped. */
      source: "own";
      fetch: (client: PrometheusClient, gate: GateOf<K>, targets: RolloutTargets, time: Date) => Promise<Found<K>>;
    };
