import type { LeaderLock } from "../db/leader-lock";
import { pruneEvaluations } from "../db/evaluations";
import { pruneDeliveries } from "../db/notifications";
import type { Deps } from "../composition/deps";
import type { BackgroundTask } from "./task";

/** Retention is counted in days: looking every 10 minutes keeps each prune small. */
export const PRUNE_EVERY_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

type PruneOptions = { deps: Pick<Deps, "db" | "now">; leader: LeaderLock; retentionDays: number; everyMs?: number };

/**
 * Gate evaluations older than the retention (AVIARY_ANALYSIS_RETENTION_DAYS), and the query texts
 * none refers to any more. Under the analysis lock: the replica that writes them drops them.
 */
export const pruneEvaluationsTask = (options: PruneOptions): BackgroundTask =>
  pruneTask("prune-evaluations", "old gate evaluations pruned", pruneEvaluations, options);

/** Delivered and failed notification rows older than the retention, under the dispatcher's lock. Pending ones stay. */
export const pruneNotificationsTask = (options: PruneOptions): BackgroundTask =>
  pruneTask("prune-notifications", "old notification deliveries pruned", pruneDeliveries, options);

function pruneTask(
  name: string,
  message: string,
  prune: (db: Deps["db"], before: Date) => Promise<number>,
  { deps, leader, retentionDays, everyMs = PRUNE_EVERY_MS }: PruneOptions,
): BackgroundTask {
  return {
    name,
    leader,
    async run({ log }) {
      const pruned = await prune(deps.db, new Date(deps.now().getTime() - retentionDays * DAY_MS));
      if (pruned > 0) log.info(message, { pruned });
      return { requeueAfterMs: everyMs };
    },
  };
}
