import { attentionOf, type Attention, type LiveWeights, type PromotionHolds } from "../domain/attention";
import type { AnalysisMode } from "../domain/analysis/definition";
import type { Verdict } from "../domain/analysis/evaluate";
import type { Rollout } from "../domain/rollout";
import { rolloutJson, type RolloutJson } from "./rollout";

/** A gate's latest verdict on the overview. */
export type GateVerdictJson = { gate: string; verdict: Verdict; value: number | null; threshold: number | null; unit: string; reason: string; at: string };

/**
 * GET /api/rollouts: each rollout as before plus, for the overview's attention list, its gates'
 * latest verdicts (empty unless analysed and live) and its attention group, reasons and sort key
 * (lib/domain/attention.ts) as of `readAt`. Drift is not in `attention`: it needs the cluster,
 * which GET /api/traffic reads; the overview adds it with `attentionWithLive`.
 */
export type OverviewRolloutJson = RolloutJson & { gates: GateVerdictJson[]; holds: PromotionHolds; attention: Attention };
export type RolloutListJson = { rollouts: OverviewRolloutJson[]; readAt: string };

/**
 * What the overview page needs of a listed rollout: the page's first render carries this slim
 * shape (its HTML embeds the data once more for hydration); later polls get the full JSON above,
 * of which it is a part.
 */
export type OverviewRowJson = Pick<
  RolloutJson,
  | "id"
  | "name"
  | "namespace"
  | "cluster"
  | "virtualService"
  | "status"
  | "currentStep"
  | "canaryWeight"
  | "steps"
  | "revision"
  | "createdAt"
  | "updatedAt"
  | "stepStartedAt"
> & {
  /** The analysis mode and interval, for the attention rule the page reruns once it knows the live weights. */
  analysis?: { mode: AnalysisMode; intervalSeconds: number };
  gates: Pick<GateVerdictJson, "gate" | "verdict" | "reason" | "at">[];
  holds: PromotionHolds;
  attention: Attention;
};
export type OverviewListJson = { rollouts: OverviewRowJson[]; readAt: string };

export function overviewRow(full: OverviewRolloutJson): OverviewRowJson {
  const { id, name, namespace, cluster, virtualService, status, currentStep, canaryWeight, steps, revision, createdAt, updatedAt, stepStartedAt } = full;
  return {
    ...{ id, name, namespace, cluster, virtualService, status, currentStep, canaryWeight, steps, revision, createdAt, updatedAt, stepStartedAt },
    ...(full.analysis ? { analysis: { mode: full.analysis.mode, intervalSeconds: full.analysis.intervalSeconds } } : {}),
    gates: full.gates.map(({ gate, verdict, reason, at }) => ({ gate, verdict, reason, at })),
    holds: full.holds,
    attention: full.attention,
  };
}

type Item = { rollout: Rollout; gates: readonly (Omit<GateVerdictJson, "at"> & { at: Date })[]; holds: PromotionHolds; attention: Attention };

export function overviewRolloutJson({ rollout, gates, holds, attention }: Item): OverviewRolloutJson {
  return { ...rolloutJson(rollout), gates: gates.map((g) => ({ ...g, at: g.at.toISOString() })), holds, attention };
}

/** The attention of a listed rollout once the live weights are known (same rule, same clock as the server's). */
export function attentionWithLive(item: OverviewRowJson, live: LiveWeights | null, readAt: string): Attention {
  if (!live?.drift) return item.attention;
  return attentionOf({
    rollout: {
      ...item,
      stepStartedAt: item.stepStartedAt === null ? null : new Date(item.stepStartedAt),
      updatedAt: new Date(item.updatedAt),
    },
    gates: item.gates,
    holds: item.holds,
    live,
    now: new Date(readAt),
  });
}
