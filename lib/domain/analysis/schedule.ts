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

/** How long after a sample's timestamp Prometheus can be expected to answer with it (the scrape's own duration and its append). */
export const INGEST_MARGIN_MS = 150;
/** When an expected scrape is late, the loop looks again this often (for up to one tick) instead of waiting a whole tick. */
export const LATE_SCRAPE_RETRY_MS = 250;

/**
 * How long the loop sleeps before its next tick: until just after the soonest scrape it expects
 * (a rollout's newest sample seen by its last evaluation, plus its interval, plus the ingest
 * margin), at most a tick. Waking on a fixed 1 s tick put evaluations 0-1 s after the scrape; this
 * puts them about 0.2 s after it, which comes off every rollback. A scrape that is late is looked
 * for again every 250 ms for up to a tick, then the plain tick takes over.
 */
export function nextTickDelay({ now, tickMs, expectedSamples }: { now: number; tickMs: number; expectedSamples: Iterable<number> }): number {
  let delay = tickMs;
  for (const expected of expectedSamples) {
    const wake = expected + INGEST_MARGIN_MS - now;
    if (wake > 0) delay = Math.min(delay, wake);
    else if (wake > -tickMs) delay = Math.min(delay, LATE_SCRAPE_RETRY_MS);
  }
  return Math.max(10, Math.round(delay));
}
