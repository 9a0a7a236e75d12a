import type { LeaderLock } from "../db/leader-lock";
import type { Logger } from "../log";
import { DEFAULT_QUERY_BUDGET } from "../domain/analysis/query-budget";
import { isEvaluationDue, mayBeDue, nextTickDelay, type LastEvaluation } from "../domain/analysis/schedule";
import { type Rollout, workloadsOf } from "../domain/rollout";
import { fetchNewestCanarySamples } from "../prometheus/fetch-newest-samples";
import { PrometheusError } from "../prometheus/prometheus-error";
import { analyseRollouts, type IterationResult } from "../server/analyse-rollouts";
import type { Deps } from "../composition/deps";
import type { BackgroundTask } from "./task";

export type AnalysisTaskOptions = {
  deps: Deps;
  leader: LeaderLock;
  /**
   * The longest the leader sleeps between passes (and how often a replica that does not lead asks
   * for the lock). It wakes sooner, just after the next scrape it expects (schedule.ts: nextTickDelay).
   */
  tickMs?: number;
  /** Prometheus queries one pass may send (AVIARY_ANALYSIS_QUERY_BUDGET); due rollouts beyond it wait for the next pass. */
  queryBudget?: number;
};

type Scheduled = LastEvaluation & { intervalMs: number };

/**
 * The evaluation loop as a task. Only the holder of the analysis lock runs it, so there is one
 * across all replicas, and when the leader dies another takes over within a second. Each rollout
 * is evaluated when an interval of fresh data has arrived since its last evaluation by this leader
 * (schedule.ts: just after the scrape that brings it; the pass asks to run again when it expects
 * that scrape). Interrupted operations and pruning are tasks of their own (tasks.ts).
 */
export function analysisTask({ deps, leader, tickMs = 1_000, queryBudget = DEFAULT_QUERY_BUDGET }: AnalysisTaskOptions): BackgroundTask {
  // What this leader evaluated, and when; a new leader starts afresh (onLeadership).
  const last = new Map<string, Scheduled>();
  // Rollouts deferred for lack of query budget, first in line next pass (they stay due: not in `last`).
  const budget = { queries: queryBudget, deferredSince: new Map<string, number>() };

  const timing = (rollout: Rollout, now: Date) => ({
    now: now.getTime(),
    intervalMs: (rollout.analysis?.intervalSeconds ?? 5) * 1000,
    tickMs,
    last: last.get(rollout.id),
  });

  /**
   * The rollouts that may be due ask Prometheus, in one query, how fresh their canary's data is;
   * what it answered for each due one goes into this pass's `picked`, which the pass then records.
   */
  const pick = async (analysed: Rollout[], now: Date, picked: Map<string, Scheduled>) => {
    // Rollouts no longer analysed (finished, mode off) leave the schedule.
    const ids = new Set(analysed.map((rollout) => rollout.id));
    for (const id of last.keys()) if (!ids.has(id)) last.delete(id);
    const candidates = analysed.filter((rollout) => mayBeDue(timing(rollout, now)));
    if (candidates.length === 0) return [];
    const samples = await fetchNewestCanarySamples(deps.prometheus, candidates.map(workloadsOf), { time: now }).catch((error: unknown) => {
      // Unreachable: evaluate on the plain interval; the gates will say inconclusive and why.
      if (error instanceof PrometheusError) return candidates.map(() => undefined);
      throw error;
    });
    return candidates.filter((rollout, index) => {
      const schedule = { ...timing(rollout, now), newestSampleAt: samples[index] };
      picked.set(rollout.id, { at: schedule.now, newestSampleAt: schedule.newestSampleAt, intervalMs: schedule.intervalMs });
      return isEvaluationDue(schedule);
    });
  };

  /** The next scrape each evaluated rollout is expected to bring: its last evaluation's newest sample plus its interval. */
  const expectedSamples = () =>
    [...last.values()].flatMap(({ newestSampleAt, intervalMs }) => (newestSampleAt === undefined ? [] : [newestSampleAt + intervalMs]));

  return {
    name: "analysis",
    leader,
    electionMs: tickMs,
    backoff: { baseMs: tickMs, maxMs: 10 * tickMs },
    onLeadership() {
      last.clear();
      budget.deferredSince.clear();
    },
    async run({ log }) {
      const now = deps.now().getTime();
      const picked = new Map<string, Scheduled>();
      const result = await analyseRollouts(deps, { pick: (analysed, at) => pick(analysed, at, picked), budget });
      for (const { rolloutId } of result.outcomes) {
        const seen = picked.get(rolloutId);
        last.set(rolloutId, { at: now, newestSampleAt: seen?.newestSampleAt, intervalMs: seen?.intervalMs ?? tickMs });
      }
      report(result, log);
      return { requeueAfterMs: nextTickDelay({ now: deps.now().getTime(), tickMs, expectedSamples: expectedSamples() }) };
    },
  };
}

function report(result: IterationResult, log: Logger) {
  for (const outcome of result.outcomes) {
    if (outcome.acted === null) continue;
    const verb = outcome.acted === "rollback" ? "rolled back" : outcome.acted === "promote" ? "promoted" : outcome.acted;
    (outcome.acted === "failed" ? log.warn : log.info)(`analysis ${verb}`, {
      rollout: outcome.name,
      rolloutId: outcome.rolloutId,
      reason: outcome.decision.reason,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
  }
}
