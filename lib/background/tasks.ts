import { createLeaderLock, NOTIFY_LEADER_KEY } from "../db/leader-lock";
import { getConfig, getDeps, type Deps } from "../composition/deps";
import { analysisTask } from "./analysis-task";
import { auditHeadTask } from "./audit-head-task";
import { notificationTask } from "./notification-task";
import { pruneEvaluationsTask, pruneNotificationsTask } from "./prune-tasks";
import { reconcileTask } from "./reconcile-task";
import { startTasks } from "./runner";
import { systemClock, type BackgroundTask } from "./task";

/**
 * Every background task a server process runs, and on which replicas. The one place that hands
 * them their configuration (deps.config, parsed once at start-up). A new task is one file
 * returning a BackgroundTask and one line here.
 *
 * | task                | replicas                         | cadence                                      |
 * | ------------------- | -------------------------------- | -------------------------------------------- |
 * | audit-head          | every                            | AVIARY_AUDIT_HEAD_LOG_SECONDS                |
 * | reconcile           | every (per-rollout locks)        | at start-up, then every 30 s                 |
 * | analysis            | the analysis lock's holder       | just after the next expected scrape, ≤ 1 s   |
 * | prune-evaluations   | the analysis lock's holder       | on taking the lock, then every 10 min        |
 * | notifications       | the dispatcher lock's holder     | every 1 s (conditions every 10 s)            |
 * | prune-notifications | the dispatcher lock's holder     | on taking the lock, then every 10 min        |
 */
export function backgroundTasks(deps: Deps): BackgroundTask[] {
  const { config } = deps;
  const env = config.server();
  const tasks = [auditHeadTask({ audit: deps.audit, intervalMs: env.AVIARY_AUDIT_HEAD_LOG_SECONDS * 1000 }), reconcileTask({ deps })];
  if (env.AVIARY_ANALYSIS === "on") {
    const leader = createLeaderLock(config.databaseUrl());
    tasks.push(
      analysisTask({ deps, leader, queryBudget: env.AVIARY_ANALYSIS_QUERY_BUDGET }),
      pruneEvaluationsTask({ deps, leader, retentionDays: env.AVIARY_ANALYSIS_RETENTION_DAYS }),
    );
  }
  if (env.AVIARY_NOTIFICATIONS === "on") {
    // Its own lock, so analysis and notifications can each be switched off per replica.
    const leader = createLeaderLock(config.databaseUrl(), { key: NOTIFY_LEADER_KEY, name: "aviary-notify-leader" });
    // Notification rows are kept 14 days, as the dispatcher kept them (there is no setting for it).
    tasks.push(notificationTask({ deps, config: config.notify(), leader }), pruneNotificationsTask({ deps, leader, retentionDays: 14 }));
  }
  return tasks;
}

/** What a server process does besides answering requests (started from instrumentation.ts); returns the one stop. */
export function startBackgroundWork(): (() => Promise<void>) | undefined {
  if (!getConfig().server().DATABASE_URL) return undefined;
  const deps = getDeps();
  return startTasks(backgroundTasks(deps), { metrics: deps.metrics, clock: { now: deps.now, sleep: systemClock.sleep } });
}
