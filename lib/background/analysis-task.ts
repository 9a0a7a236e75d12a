import { pruneEvaluations } from "../db/evaluations";
import type { LeaderLock } from "../db/leader-lock";
import { log as serverLog } from "../log";
import { DEFAULT_QUERY_BUDGET } from "../domain/analysis/query-budget";
import { isEvaluationDue, mayBeDue, nextTickDelay, type LastEvaluation } from "../domain/analysis/schedule";
import { type Rollout, workloadsOf } from "../domain/rollout";
import { fetchNewestCanarySamples } from "../prometheus/fetch-newest-samples";
import { PrometheusError } from "../prometheus/prometheus-error";
import { analyseRollouts, type IterationResult } from "../server/analyse-rollouts";
import type { Deps } from "../server/deps";
import { reconcileInterruptedOperations } from "../server/reconcile-interrupted-operations";

export type AnalysisLoopOptions = {
  deps: Deps;
  leader: LeaderLock;
  /**
   * The longest the loop sleeps: each wake checks leadership and evaluates the due rollouts. It
   * wakes sooner, just after the next scrape it expects (schedule.ts: nextTickDelay).
   */
  tickMs?: number;
  retentionDays?: number;
  /** Prometheus queries one pass may send (AVIARY_ANALYSIS_QUERY_BUDGET); due rollouts beyond it wait for the next pass. */
  queryBudget?: number;
  log?: (entry: Record<string, unknown>) => void;
};

const PRUNE_EVERY_MS = 10 * 60_000;
const RECONCILE_EVERY_MS = 30_000;

/** Entries are `{ level, msg, ...fields }`; the server log (lib/log.ts) writes them as JSON lines. */
const jsonLog = ({ level, msg, ...fields }: Record<string, unknown>) => {
  const write = level === "warn" || level === "error" ? serverLog.warn : serverLog.info;
  write(String(msg), fields);
};

/**
 * The evaluation loop. Every replica runs it; only the holder of the leader lock works, so there
 * is one loop across all of them, and when the leader dies another takes over at its next tick
 * (a second). Each rollout is evaluated when an interval of fresh data has arrived since its last
 * evaluation by this leader (schedule.ts: just after the scrape that brings it; the leader wakes
 * when it expects that scrape). The leader also finishes interrupted operations and prunes old
 * evaluations. Returns a function that stops the loop and gives up leadership.
 */
export function startAnalysisLoop({
  deps,
  leader,
  tickMs = 1_000,
  retentionDays = 14,
  queryBudget = DEFAULT_QUERY_BUDGET,
  log = jsonLog,
}: AnalysisLoopOptions): () => Promise<void> {
  const last = new Map<string, LastEvaluation & { intervalMs: number }>();
  // Rollouts deferred for lack of query budget, first in line next pass (they stay due: not in `last`).
  const budget = { queries: queryBudget, deferredSince: new Map<string, number>() };
  let lastPrune = 0;
  let lastReconcile = 0;
  let running = false;
  let stopped = false;
  let wasLeader = false;

  const newest = new Map<string, number | undefined>();
  const intervals = new Map<string, number>();
  const timing = (rollout: Rollout, now: Date) => ({
    now: now.getTime(),
    intervalMs: (rollout.analysis?.intervalSeconds ?? 5) * 1000,
    tickMs,
    last: last.get(rollout.id),
  });
  /** The rollouts that may be due ask Prometheus, in one query, how fresh their canary's data is. */
  const pick = async (analysed: Rollout[], now: Date) => {
    // Rollouts no longer analysed (finished, mode off) leave the schedule.
    const ids = new Set(analysed.map((rollout) => rollout.id));
    for (const id of last.keys()) if (!ids.has(id)) last.delete(id);
    intervals.clear();
    for (const rollout of analysed) intervals.set(rollout.id, timing(rollout, now).intervalMs);
    const candidates = analysed.filter((rollout) => mayBeDue(timing(rollout, now)));
    if (candidates.length === 0) return [];
    const samples = await fetchNewestCanarySamples(deps.prometheus, candidates.map(workloadsOf), { time: now }).catch((error: unknown) => {
      // Unreachable: evaluate on the plain interval; the gates will say inconclusive and why.
      if (error instanceof PrometheusError) return candidates.map(() => undefined);
      throw error;
    });
    newest.clear();
    candidates.forEach((rollout, index) => newest.set(rollout.id, samples[index]));
    return candidates.filter((rollout, index) => isEvaluationDue({ ...timing(rollout, now), newestSampleAt: samples[index] }));
  };

  /** The next scrape each evaluated rollout is expected to bring: its last evaluation's newest sample plus its interval. */
  const expectedSamples = () =>
    [...last.values()].flatMap(({ newestSampleAt, intervalMs }) => (newestSampleAt === undefined ? [] : [newestSampleAt + intervalMs]));

  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    const delay = wasLeader ? nextTickDelay({ now: deps.now().getTime(), tickMs, expectedSamples: expectedSamples() }) : tickMs;
    timer = setTimeout(() => void tick(), delay);
    timer.unref();
  };

  const tick = async () => {
    if (running || stopped) return;
    running = true;
    let startedAt: number | undefined;
    try {
      const isLeader = await leader.check().catch((error: unknown) => {
        deps.metrics.setLeader(false); // unknown is not leading: the gauge must not show two leaders
        throw error;
      });
      deps.metrics.setLeader(isLeader);
      if (isLeader !== wasLeader) {
        wasLeader = isLeader;
        last.clear();
        budget.deferredSince.clear();
        log({ level: "info", msg: isLeader ? "analysis leadership taken" : "analysis leadership lost" });
      }
      if (!isLeader) return;
      startedAt = performance.now();
      const now = deps.now().getTime();
      if (now - lastReconcile >= RECONCILE_EVERY_MS) {
        lastReconcile = now;
        await reconcileInterruptedOperations(deps);
      }
      const result = await analyseRollouts(deps, { pick, budget });
      for (const outcome of result.outcomes) {
        last.set(outcome.rolloutId, { at: now, newestSampleAt: newest.get(outcome.rolloutId), intervalMs: intervals.get(outcome.rolloutId) ?? tickMs });
      }
      report(result, log);
      if (now - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = now;
        const pruned = await pruneEvaluations(deps.db, new Date(now - retentionDays * 86_400_000));
        if (pruned > 0) log({ level: "info", msg: "old gate evaluations pruned", pruned });
      }
      deps.metrics.analysisIteration({ outcome: "ok", seconds: (performance.now() - startedAt) / 1000 });
    } catch (error) {
      if (startedAt !== undefined) deps.metrics.analysisIteration({ outcome: "failed", seconds: (performance.now() - startedAt) / 1000 });
      log({ level: "warn", msg: "analysis iteration failed", error: (error as Error).message });
    } finally {
      running = false;
      schedule();
    }
  };

  void tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    while (running) await new Promise((resolve) => setTimeout(resolve, 20));
    await leader.release();
    deps.metrics.setLeader(false);
  };
}

function report(result: IterationResult, log: (entry: Record<string, unknown>) => void) {
  for (const outcome of result.outcomes) {
    if (outcome.acted === null) continue;
    log({
      level: outcome.acted === "failed" ? "warn" : "info",
      msg: `analysis ${outcome.acted === "rollback" || outcome.acted === "promote" ? `${outcome.acted === "rollback" ? "rolled back" : "promoted"}` : outcome.acted}`,
      rollout: outcome.name,
      rolloutId: outcome.rolloutId,
      reason: outcome.decision.reason,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
  }
}
