import { hasPendingOperation } from "../db/operations";
import { tryWithRolloutLock } from "../db/rollout-lock";
import { findRollout } from "../db/rollouts";
import type { Rollout } from "../domain/rollout";
import type { Deps } from "./deps";
import { reconcileRollout } from "./reconcile-rollout";
import { assertRolloutId, notFound } from "./rollout-id";

/**
 * Reads a rollout. If an earlier action stopped between patching the cluster and recording the
 * result, and no one holds the rollout's lock (its writer is gone), the read finishes that work
 * first, so no one looks at weights Aviary only believes it set.
 */
export async function getRollout(deps: Deps, { id }: { id: string }): Promise<Rollout> {
  const rolloutId = assertRolloutId(id);
  if (await hasPendingOperation(deps.db, rolloutId)) {
    await tryWithRolloutLock(rolloutId, () => reconcileRollout(deps, rolloutId));
  }
  const rollout = await findRollout(deps.db, rolloutId);
  if (!rollout) throw notFound(id);
  return rollout;
}
