import { listRolloutsWithPendingOperations } from "../db/operations";
import { log } from "../log";
import type { Deps } from "../composition/deps";
import { reconcileRollout } from "./reconcile-rollout";

export type SweepResult = {
  /** Operations recorded as applied or failed. */
  reconciled: number;
  /** Operations the cluster could not vouch for now; they stay pending for the next sweep. */
  postponed: number;
  /** Rollouts skipped because a live writer holds their lock (it reconciles first itself). */
  busy: number;
  /** Rollouts whose reconciliation threw; logged, retried by the next sweep. */
  errors: number;
};

/**
 * The explicit repair step for operations left pending by a writer that died between patching a
 * VirtualService and recording it. Reads never do this (they only report the pending operation);
 * actions do it for their own rollout first; this sweep does it for every rollout whose lock is
 * free, at process start-up and periodically (lib/background/reconcile-task.ts). A rollout whose lock is held is
 * left alone: its holder is alive and will reconcile before acting.
 */
export async function reconcileInterruptedOperations(deps: Deps): Promise<SweepResult> {
  const result: SweepResult = { reconciled: 0, postponed: 0, busy: 0, errors: 0 };
  for (const rolloutId of await listRolloutsWithPendingOperations(deps.db)) {
    try {
      const outcome = await deps.locks.tryWithLock(rolloutId, () => reconcileRollout(deps, rolloutId));
      if (!outcome) {
        result.busy++;
        continue;
      }
      result.reconciled += outcome.reconciled;
      result.postponed += outcome.postponed.length;
    } catch (error) {
      result.errors++;
      log.error("reconciling interrupted operations failed", { rolloutId, error });
    }
  }
  return result;
}
