import { createLeaderLock, NOTIFY_LEADER_KEY } from "../db/leader-lock";
import { databaseUrl, parseServerEnv } from "../env";
import { startAnalysisLoop } from "./analysis-task";
import { getDeps, type Deps } from "../server/deps";
import { startAuditHeadLog } from "./audit-head-task";
import { notifyConfigFromEnv } from "../server/notifications/config";
import { startNotificationLoop } from "./notification-task";
import { reconcileInterruptedOperations } from "../server/reconcile-interrupted-operations";

/**
 * How often interrupted operations are confirmed against the cluster. Short, so a write whose
 * process died is not shown as unconfirmed for long; the sweep is one indexed SELECT when
 * nothing is pending.
 */
export const RECONCILE_INTERVAL_MS = 30_000;

/** What a server process does besides answering requests (started from instrumentation.ts). */
export function startBackgroundWork(): void {
  const env = parseServerEnv();
  if (!env.DATABASE_URL) return;
  const deps = getDeps();
  startAuditHeadLog({ audit: deps.audit, intervalMs: env.AVIARY_AUDIT_HEAD_LOG_SECONDS * 1000 });
  startReconcileSweep({ deps, intervalMs: RECONCILE_INTERVAL_MS });
  if (env.AVIARY_ANALYSIS === "on") {
    startAnalysisLoop({
      deps,
      leader: createLeaderLock(databaseUrl()),
      retentionDays: env.AVIARY_ANALYSIS_RETENTION_DAYS,
      queryBudget: env.AVIARY_ANALYSIS_QUERY_BUDGET,
    });
  }
  if (env.AVIARY_NOTIFICATIONS === "on") {
    startNotificationLoop({
      deps,
      config: notifyConfigFromEnv(),
      leader: createLeaderLock(databaseUrl(), { key: NOTIFY_LEADER_KEY, name: "aviary-notify-leader" }),
    });
  }
}

/**
 * Runs the sweep now (start-up: a crash of the previous process leaves work behind) and then
 * every `intervalMs`, never two at once. Returns a function that stops it.
 */
export function startReconcileSweep({
  deps,
  intervalMs,
  sweep = reconcileInterruptedOperations,
}: {
  deps: Deps;
  intervalMs: number;
  sweep?: typeof reconcileInterruptedOperations;
}): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const result = await sweep(deps);
      if (result.reconciled + result.postponed + result.errors > 0) {
        console.log(JSON.stringify({ level: "info", at: new Date().toISOString(), msg: "interrupted operations reconciled", ...result }));
      }
    } catch (error) {
      console.warn(JSON.stringify({ level: "warn", at: new Date().toISOString(), msg: "reconcile sweep failed", error: (error as Error).message }));
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
