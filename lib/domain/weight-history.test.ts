import { describe, expect, it } from "vitest";
import { actionMarkers, MAX_MARKERS, rolloutStartedAt, setWeightSeries, weightChanges, type AuditEntry } from "./weight-history";

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const min = (n: number) => T0 + n * 60_000;
const entry = (minute: number, action: string, after: unknown, outcome = "success"): AuditEntry => ({
  at: new Date(min(minute)),
  action,
  outcome,
  actor: "sre@example.com",
  reason: null,
  before: null,
  after,
});
const w = (canaryWeight: number) => ({ status: "progressing", currentStep: 0, canaryWeight, stableWeight: 100 - canaryWeight });

// Deliberately out of order: the audit log is read by id, clocks may disagree slightly.
const HISTORY: AuditEntry[] = [
  entry(10, "promote", w(25)),
  entry(0, "create", { name: "checkout", steps: [] }),
  entry(5, "start", w(5)),
  entry(12, "promote", null, "refused"),
  entry(14, "promote", w(50), "failed"),
  entry(15, "pause", w(25)),
  entry(20, "rollback", w(0)),
];

describe("the weight Aviary set, from its audit log", () => {
  it("finds the start and lists the weights that changed, in time order", () => {
    expect(rolloutStartedAt(HISTORY)?.getTime()).toBe(min(5));
    expect(rolloutStartedAt([entry(1, "start", null, "refused")])).toBeNull();
    // the pause kept 25%: no change; refused and failed attempts set nothing
    expect(weightChanges(HISTORY)).toEqual([
      { t: min(5), action: "start", canaryWeight: 5 },
      { t: min(10), action: "promote", canaryWeight: 25 },
      { t: min(20), action: "rollback", canaryWeight: 0 },
    ]);
  });

  it("samples a step function on the chart grid: null before creation, 0 until started", () => {
    const grid = [-5, 0, 4, 5, 9, 10, 19, 20, 30].map(min);
    const series = setWeightSeries({ entries: HISTORY, grid, createdAt: new Date(min(0)) });
    expect(series.map((p) => p.v)).toEqual([null, 0, 0, 0.05, 0.05, 0.25, 0.25, 0, 0]);
    expect(series.map((p) => p.t)).toEqual(grid);
  });

  it("carries a weight set before the window into it", () => {
    const series = setWeightSeries({ entries: HISTORY, grid: [min(11), min(12)], createdAt: new Date(min(0)) });
    expect(series.map((p) => p.v)).toEqual([0.25, 0.25]);
  });

  it("ignores weights that are not a percentage", () => {
    const odd = [entry(1, "start", { canaryWeight: 150 }), entry(2, "promote", { canaryWeight: "50" }), entry(3, "promote", w(10))];
    expect(weightChanges(odd)).toEqual([{ t: min(3), action: "promote", canaryWeight: 10 }]);
  });
});

describe("action markers", () => {
  it("keeps the events inside the window, refused and failed ones included", () => {
    const markers = actionMarkers({ entries: HISTORY, start: min(10), end: min(15) });
    expect(markers.map((m) => [m.t, m.action, m.outcome])).toEqual([
      [min(10), "promote", "success"],
      [min(12), "promote", "refused"],
      [min(14), "promote", "failed"],
      [min(15), "pause", "success"],
    ]);
    expect(markers[0]).toMatchObject({ actor: "sre@example.com", reason: null });
  });

  it("keeps only the latest markers when there are too many", () => {
    const many = Array.from({ length: MAX_MARKERS + 20 }, (_, i) => entry(i, "pause", w(5)));
    const markers = actionMarkers({ entries: many, start: min(0), end: min(1000) });
    expect(markers).toHaveLength(MAX_MARKERS);
    expect(markers.at(-1)?.t).toBe(min(MAX_MARKERS + 19));
  });
});
