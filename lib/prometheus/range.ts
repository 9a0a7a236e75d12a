import { AppError } from "../app-error";

/** Prometheus refuses range queries that would return more points than this per series. */
export const MAX_POINTS_PER_SERIES = 11_000;

// Round steps keep grids stable across refreshes (and cacheable); beyond a day, whole days.
const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

export type TimeRange = { start: Date; end: Date };

/**
 * The smallest round step, at least `minStepSeconds` (pass the scrape interval: a finer step only
 * repeats samples), for which the aligned range has at most `maxPoints` points. For charts,
 * maxPoints is about the chart's width in pixels.
 */
export function stepFor({ start, end, maxPoints, minStepSeconds = 1 }: TimeRange & { maxPoints: number; minStepSeconds?: number }): number {
  assertOrder({ start, end });
  const budget = Math.min(Math.floor(maxPoints), MAX_POINTS_PER_SERIES);
  if (!(budget >= 2)) throw new AppError("VALIDATION", `maxPoints must be at least 2, got ${maxPoints}`, { fields: { maxPoints: "must be at least 2" } });
  const fits = (step: number) => step >= minStepSeconds && pointCount({ ...alignRange({ start, end, stepSeconds: step }), stepSeconds: step }) <= budget;
  const nice = NICE_STEPS.find(fits);
  if (nice !== undefined) return nice;
  const spanSeconds = (end.getTime() - start.getTime()) / 1000;
  let days = Math.max(1, Math.ceil(spanSeconds / 86400 / (budget - 2)), Math.ceil(minStepSeconds / 86400));
  while (!fits(days * 86400)) days++;
  return days * 86400;
}

/**
 * Start and end down to multiples of the step, so every refresh evaluates at the same instants.
 * The end goes down, never up: callers pass "now" as the end, and at an instant in the future
 * rate() finds only the samples scraped so far, so the latest point would read low (or, with a
 * single sample in its window, be missing). An end at or before now is at most a scrape interval
 * past the latest sample, which Prometheus extrapolates over exactly like every other point. The
 * latest point is therefore at most one step old.
 */
export function alignRange({ start, end, stepSeconds }: TimeRange & { stepSeconds: number }): TimeRange {
  const stepMs = stepSeconds * 1000;
  return {
    start: new Date(Math.floor(start.getTime() / stepMs) * stepMs),
    end: new Date(Math.floor(end.getTime() / stepMs) * stepMs),
  };
}

export function pointCount({ start, end, stepSeconds }: TimeRange & { stepSeconds: number }): number {
  return Math.floor((end.getTime() - start.getTime()) / (stepSeconds * 1000)) + 1;
}

/** Refuses, before any request, a range Prometheus would reject. */
export function assertPointCount({ start, end, stepSeconds }: TimeRange & { stepSeconds: number }): void {
  assertOrder({ start, end });
  if (!(Number.isFinite(stepSeconds) && stepSeconds > 0)) {
    throw new AppError("VALIDATION", `step must be a positive number of seconds, got ${stepSeconds}`, { fields: { stepSeconds: "must be positive" } });
  }
  const points = pointCount({ start, end, stepSeconds });
  if (points > MAX_POINTS_PER_SERIES) {
    throw new AppError("VALIDATION", `a ${stepSeconds}s step over this range gives ${points} points; Prometheus allows at most ${MAX_POINTS_PER_SERIES}`, {
      fields: { stepSeconds: `too small for the range (${points} points)` },
    });
  }
}

function assertOrder({ start, end }: TimeRange): void {
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
    throw new AppError("VALIDATION", "start and end must be valid dates", { fields: { start: "must be a valid date", end: "must be a valid date" } });
  }
  if (end.getTime() < start.getTime()) {
    throw new AppError("VALIDATION", "end must not be before start", { fields: { end: "must not be before start" } });
  }
}
