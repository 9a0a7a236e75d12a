import type { Rollout, RolloutDefinition } from "../domain/rollout";

/** The definition part of a rollout, for edits and for audit before/after snapshots. */
export function definitionOf(rollout: Rollout): RolloutDefinition {
  const { name, namespace, cluster, virtualService, route, stable, canary, steps, metrics, slo, analysis } = rollout;
  return { name, namespace, cluster, virtualService, ...(route ? { route } : {}), stable, canary, steps, metrics, slo, ...(analysis ? { analysis } : {}) };
}
