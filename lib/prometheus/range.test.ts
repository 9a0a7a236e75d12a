import { describe, expect, it } from "vitest";
import { AppError } from "../app-error";
import { alignRange, assertPointCount, MAX_POINTS_PER_SERIES, pointCount, stepFor } from "./range";

const at = (iso: string) => new Date(iso);
const hours = (n: number) => n * 3600_000;

describe("step for a chart", () => {
  it("picks the smallest round step that keeps the aligned range within the point budget", () => {
    const start = at("2026-01-01T00:00:00Z");
    // 1h over 120 px: 3600 / 119 = 30.3s -> 60s (30s would give 121 points)
    expect(stepFor({ start, end: new Date(start.getTime() + hours(1)), maxPoints: 120 })).toBe(60);
    // 6h over 800 px: 21600 / 799 = 27s -> 30s, 721 points
    expect(stepFor({ start, end: new Date(start.getTime() + hours(6)), maxPoints: 800 })).toBe(30);
  });

  it("never goes below the scrape interval", () => {
    const start = at("2026-01-01T00:00:00Z");
    expect(stepFor({ start, end: new Date(start.getTime() + 600_000), maxPoints: 1000, minStepSeconds: 15 })).toBe(15);
  });

  it("caps the budget at Prometheus' 11,000 points and goes to whole days for long ranges", () => {
    const start = at("2026-01-01T00:00:00Z");
    const year = new Date(start.getTime() + 365 * 24 * hours(1));
    const step = stepFor({ start, end: year, maxPoints: 1_000_000 });
    expect(pointCount({ ...alignRange({ start, end: year, stepSeconds: step }), stepSeconds: step })).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
    // 10 years over 100 points: days, not seconds
    const decade = new Date(start.getTime() + 3650 * 24 * hours(1));
    expect(stepFor({ start, end: decade, maxPoints: 100 }) % 86400).toBe(0);
  });

  it("refuses a budget under two points and an end before the start", () => {
    const start = at("2026-01-01T00:00:00Z");
    expect(() => stepFor({ start, end: start, maxPoints: 1 })).toThrow(AppError);
    expect(() => stepFor({ start, end: new Date(start.getTime() - 1), maxPoints: 100 })).toThrow(/end must not be before start/);
  });
});

describe("aligning a range", () => {
  // The end used to go up (00:06:00 here): the end is "now", and a point in the future reads low
  // because rate() there finds only part of its window's samples (lib/server/latest-rate.test.ts).
  it("moves start and end down to multiples of the step, never into the future", () => {
    const aligned = alignRange({ start: at("2026-01-01T00:00:17Z"), end: at("2026-01-01T00:05:01Z"), stepSeconds: 60 });
    expect(aligned).toEqual({ start: at("2026-01-01T00:00:00Z"), end: at("2026-01-01T00:05:00Z") });
    expect(pointCount({ ...aligned, stepSeconds: 60 })).toBe(6);
    // an end already on the grid stays; one within the first step of the start keeps one point
    expect(alignRange({ start: at("2026-01-01T00:00:00Z"), end: at("2026-01-01T00:05:00Z"), stepSeconds: 60 }).end).toEqual(at("2026-01-01T00:05:00Z"));
    const short = alignRange({ start: at("2026-01-01T00:00:17Z"), end: at("2026-01-01T00:00:45Z"), stepSeconds: 60 });
    expect(pointCount({ ...short, stepSeconds: 60 })).toBe(1);
  });

  it("refuses, before asking Prometheus, a range it would reject", () => {
    const start = at("2026-01-01T00:00:00Z");
    expect(() => assertPointCount({ start, end: new Date(start.getTime() + 11_000_000), stepSeconds: 1 })).toThrow(/at most 11000/);
    expect(() => assertPointCount({ start, end: start, stepSeconds: 0 })).toThrow(/positive/);
    expect(() => assertPointCount({ start, end: new Date(start.getTime() + 10_999_000), stepSeconds: 1 })).not.toThrow();
  });
});
