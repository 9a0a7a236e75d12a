/**
 * When the loop evaluates a rollout again. An evaluation between two scrapes sees nothing new,
 * so the interval is counted in the data's time, not the wall clock's: a rollout is due when its
 * canary's newest sample is an interval newer than the newest one its last evaluation saw, which
 * the loop notices at its next tick. With 5 s scrapes and a 5 s interval the evaluations lock on
 * to "just after each scrape" instead of falling anywhere between two, which takes about half a
 * scrape interval (2.5 s) off the median time from a breach to the rollback. Stale data is still
 * re-evaluated after two intervals of wall time (and after one when the newest sample is unknown:
 * no series yet, or Prometheus unreachable), so inconclusive verdicts, failure counts and step
 * countdowns keep moving.
 */
export type LastEvaluation = { at: number; newestSampleAt: number | undefined };

type Timing = { now: number; intervalMs: number; tickMs: number; last: LastEvaluation | undefined };

/** Never sooner than half an interval after the last evaluation (samples arriving in a burst after an outage). */
export function mayBeDue({ now, intervalMs, last }: Timing): boolean {
  return !last || now - last.at >= intervalMs / 2;
}

export function isEvaluationDue({
  newestSampleAt,
  ...timing
}: Timing & {
  /** The newest sample of the canary's request series, in ms; undefined when unknown. */
  newestSampleAt: number | undefined;
}): boolean {
  const { now, intervalMs, tickMs, last } = timing;
  if (!last) return true;
  if (!mayBeDue(timing)) return false;
  const elapsed = now - last.at;
  // Half a tick of slack: a tick or a scrape a few ms early must not skip a whole interval.
  const slack = tickMs / 2;
  if (newestSampleAt === undefined || last.newestSampleAt === undefined) return elapsed >= intervalMs - slack;
  if (newestSampleAt - last.newestSampleAt >= intervalMs - slack) return true;
  return elapsed >= 2 * intervalMs - slack;
}
