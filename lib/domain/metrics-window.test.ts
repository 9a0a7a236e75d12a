import { describe, expect, it } from "vitest";
import { isMetricsWindow, MIN_ROLLOUT_SPAN_MS, windowRange } from "./metrics-window";

const now = new Date(Date.UTC(2030, 0, 1, 12, 0, 0));

describe("chart windows", () => {
  it("ends fixed windows now", () => {
    expect(windowRange({ window: "15m", now, rolloutStart: now })).toEqual({ start: new Date(now.getTime() - 15 * 60_000), end: now });
    expect(windowRange({ window: "24h", now, rolloutStart: now }).start).toEqual(new Date(now.getTime() - 86_400_000));
  });

  it("runs the rollout window from its start, but never shorter than the minimum", () => {
    const started = new Date(now.getTime() - 3 * 3_600_000);
    expect(windowRange({ window: "rollout", now, rolloutStart: started })).toEqual({ start: started, end: now });
    const justNow = new Date(now.getTime() - 30_000);
    expect(windowRange({ window: "rollout", now, rolloutStart: justNow }).start).toEqual(new Date(now.getTime() - MIN_ROLLOUT_SPAN_MS));
  });

  it("knows its windows", () => {
    expect(isMetricsWindow("6h")).toBe(true);
    expect(isMetricsWindow("2h")).toBe(false);
    expect(isMetricsWindow(undefined)).toBe(false);
  });
});
