import { describe, expect, it } from "vitest";
import { weightTimeline } from "./timeline";

const at = (minute: number) => new Date(Date.UTC(2026, 3, 15, 10, minute));
const entry = (minute: number, action: string, outcome: string, canary?: number) => ({
  at: at(minute),
  action,
  outcome,
  actor: "alice",
  reason: null,
  before: null,
  after: canary === undefined ? null : { canaryWeight: canary },
});

describe("weightTimeline", () => {
  it("steps from 0 at creation through each weight set, held until the end", () => {
    const timeline = weightTimeline({
      entries: [
        entry(0, "create", "success"),
        entry(5, "start", "success", 5),
        entry(7, "promote", "refused", 50),
        entry(10, "promote", "success", 25),
        entry(20, "rollback", "success", 0),
      ],
      start: at(0).getTime(),
      end: at(30).getTime(),
    });
    expect(timeline.domain).toEqual([at(0).getTime(), at(30).getTime()]);
    expect(timeline.canary.map((p) => [(p.t - at(0).getTime()) / 60_000, p.v])).toEqual([
      [0, 0],
      [5, 0.05],
      [10, 0.25],
      [20, 0],
      [30, 0],
    ]);
    expect(timeline.stable.map((p) => p.v)).toEqual([1, 0.95, 0.75, 1, 1]);
    expect(timeline.markers.map((m) => [m.label, m.muted])).toEqual([
      ["create", false],
      ["start", false],
      ["promote", true],
      ["promote", false],
      ["rollback", false],
    ]);
  });

  it("draws a flat 0% line for a rollout that never started", () => {
    const timeline = weightTimeline({ entries: [entry(0, "create", "success")], start: at(0).getTime(), end: at(60).getTime() });
    expect(timeline.canary).toEqual([
      { t: at(0).getTime(), v: 0 },
      { t: at(60).getTime(), v: 0 },
    ]);
  });
});
