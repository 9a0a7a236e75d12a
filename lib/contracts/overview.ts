import { attentionOf, type Attention, type LiveWeights } from "../domain/attention";
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
export type OverviewRolloutJson = RolloutJson & { gates: GateVerdictJson[]; attention: Attention };
export type RolloutListJson = { rollouts: OverviewRolloutJson[]; readAt: string };

type Item = { rollout: Rollout; gates: readonly (Omit<GateVerdictJson, "at"> & { at: Date })[]; attention: Attention };

export function overviewRolloutJson({ rollout, gates, attention }: Item): OverviewRolloutJson {
  return { ...rolloutJson(rollout), gates: gates.map((g) => ({ ...g, at: g.at.toISOString() })), attention };
}

/** The attention of a listed rollout once the live weights are known (same rule, same clock as the server's). */
export function attentionWithLive(item: OverviewRolloutJson, live: LiveWeights | null, readAt: string): Attention {
  if (!live?.drift) return item.attention;
  return attentionOf({
    rollout: {
      ...item,
      stepStartedAt: item.stepStartedAt === null ? null : new Date(item.stepStartedAt),
      updatedAt: new Date(item.updatedAt),
    },
    gates: item.gates,
    live,
    now: new Date(readAt),
  });
}
