import { describe, expect, it } from "vitest";
import { isEvaluationDue, nextTickDelay } from "./schedule";

const base = { intervalMs: 5_000, tickMs: 1_000 };

describe("isEvaluationDue", () => {
  it("evaluates a rollout it has never evaluated", () => {
    expect(isEvaluationDue({ ...base, now: 0, last: undefined, newestSampleAt: undefined })).toBe(true);
  });

  it("is due when the data, not the clock, has moved an interval on", () => {
    const last = { at: 10_000, newestSampleAt: 9_700 };
    expect(isEvaluationDue({ ...base, now: 13_000, last, newestSampleAt: 12_000 })).toBe(false);
    expect(isEvaluationDue({ ...base, now: 15_000, last, newestSampleAt: 9_700 })).toBe(false);
    expect(isEvaluationDue({ ...base, now: 14_000, last, newestSampleAt: 14_700 })).toBe(true);
    // Samples arriving in a burst after an outage: not sooner than half an interval.
    expect(isEvaluationDue({ ...base, now: 12_000, last, newestSampleAt: 30_000 })).toBe(false);
  });

  it("re-evaluates stale data after two intervals, so verdicts and countdowns keep moving", () => {
    const last = { at: 10_000, newestSampleAt: 9_700 };
    expect(isEvaluationDue({ ...base, now: 19_000, last, newestSampleAt: 9_700 })).toBe(false);
    expect(isEvaluationDue({ ...base, now: 19_500, last, newestSampleAt: 9_700 })).toBe(true);
  });

  it("falls back to the plain interval when the newest sample is unknown", () => {
    expect(isEvaluationDue({ ...base, now: 15_000, last: { at: 10_000, newestSampleAt: 9_700 }, newestSampleAt: undefined })).toBe(true);
    expect(isEvaluationDue({ ...base, now: 15_000, last: { at: 10_000, newestSampleAt: undefined }, newestSampleAt: 14_000 })).toBe(true);
  });

  it("locks on to the scrapes: with 5 s scrapes every evaluation follows a scrape within a tick", () => {
    // Scrapes land at 2.3 s past every 5 s; the loop ticks every second; samples show 0.4 s later.
    const scrapes = (t: number) => Math.floor((t - 2_300 - 400) / 5_000) * 5_000 + 2_300;
    let last: { at: number; newestSampleAt: number | undefined } | undefined;
    const lags: number[] = [];
    for (let now = 0; now <= 120_000; now += 1_000) {
      const newest = now >= 2_700 ? scrapes(now) : undefined;
      if (!isEvaluationDue({ ...base, now, last, newestSampleAt: newest })) continue;
      if (last && newest !== undefined) lags.push(now - newest);
      last = { at: now, newestSampleAt: newest };
    }
    // After the first evaluations (no samples yet), every one follows its scrape by the 0.4 s
    // the sample takes to show plus at most one tick.
    const settled = lags.slice(2);
    expect(settled.length).toBeGreaterThanOrEqual(20);
    expect(Math.max(...settled)).toBeLessThanOrEqual(1_400);
    expect(lags.length).toBeLessThanOrEqual(25);
  });
});

describe("nextTickDelay", () => {
  const tickMs = 1_000;

  it("wakes just after the soonest expected scrape, at most a tick away", () => {
    expect(nextTickDelay({ now: 10_000, tickMs, expectedSamples: [10_400, 12_000] })).toBe(550);
    expect(nextTickDelay({ now: 10_000, tickMs, expectedSamples: [14_000] })).toBe(1_000);
    expect(nextTickDelay({ now: 10_000, tickMs, expectedSamples: [] })).toBe(1_000);
  });

  it("looks again every 250 ms for a late scrape, for one tick, then goes back to ticking", () => {
    expect(nextTickDelay({ now: 10_000, tickMs, expectedSamples: [9_700] })).toBe(250);
    expect(nextTickDelay({ now: 10_000, tickMs, expectedSamples: [8_000] })).toBe(1_000);
  });
});
