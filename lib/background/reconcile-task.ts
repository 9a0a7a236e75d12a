import type { Deps } from "../composition/deps";
import { reconcileInterruptedOperations } from "../server/reconcile-interrupted-operations";
import { everyMs, type BackgroundTask } from "./task";

/**
 * How often interrupted operations are confirmed against the cluster. Short, so a write whose
 * process died is not shown as unconfirmed for long; the sweep is one indexed SELECT when
 * nothing is pending.
 */
export const RECONCILE_INTERVAL_MS = 30_000;

/**
 * The sweep at start-up (a crash of the previous process leaves work behind) and then every
 * `intervalMs` from the start of the last one. Every replica runs it and nobody else does: its
 * safety rests on the per-rollout locks (a rollout whose lock is held is skipped, its holder
 * reconciles first), not on leadership, so it needs none, and it keeps running on replicas where
 * analysis and notifications are switched off. The analysis leader no longer sweeps a second time.
 */
export function reconcileTask({
  deps,
  intervalMs = RECONCILE_INTERVAL_MS,
  sweep = reconcileInterruptedOperations,
}: {
  deps: Deps;
  intervalMs?: number;
  sweep?: typeof reconcileInterruptedOperations;
}): BackgroundTask {
  return {
    name: "reconcile",
    leader: null,
    async run({ now, log }) {
      const startedAt = now().getTime();
      const result = await sweep(deps);
      if (result.reconciled + result.postponed + result.errors > 0) log.info("interrupted operations reconciled", result);
      return everyMs(intervalMs, now().getTime() - startedAt);
    },
  };
}
