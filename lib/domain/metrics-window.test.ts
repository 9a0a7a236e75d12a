import { describe, expect, it } from "vitest";
import { fittingWindow, isMetricsWindow, MIN_ROLLOUT_SPAN_MS, windowRange } from "./metrics-window";

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

describe("the window a rollout page opens on", () => {
  const ago = (ms: number) => new Date(now.getTime() - ms);
  it("fits a rollout started seconds or hours ago from its start, and a day for older ones", () => {
    expect(fittingWindow({ createdAt: ago(30_000), status: "progressing", now })).toBe("rollout");
    expect(fittingWindow({ createdAt: ago(5 * 3_600_000), status: "rolled_back", now })).toBe("rollout");
    expect(fittingWindow({ createdAt: ago(3 * 86_400_000), status: "promoted", now })).toBe("24h");
    expect(fittingWindow({ createdAt: ago(30_000), status: "draft", now })).toBe("15m");
  });
  it("so a 30-second-old rollout opens on a 5-minute span, not an hour", () => {
    const window = fittingWindow({ createdAt: ago(30_000), status: "progressing", now });
    const { start, end } = windowRange({ window, now, rolloutStart: ago(30_000) });
    expect(end.getTime() - start.getTime()).toBe(MIN_ROLLOUT_SPAN_MS);
  });
});
