import { describe, expect, it } from "vitest";
import { admitRefusal, newFoldingState, takeClosedWindows } from "./refusal-folding";

const policy = { windowMs: 60_000, limitPerActor: 3 };
const admit = (state: ReturnType<typeof newFoldingState<string>>, now: number, actorId = "viewer", key = "viewer|rollback|r1") =>
  admitRefusal(state, { actorId, key, sample: `at ${now}`, now }, policy);

describe("folding refused requests", () => {
  it("writes the first refusal of a window, folds the rest, and closes the window with one count", () => {
    const state = newFoldingState<string>();
    expect(admit(state, 0)).toEqual({ record: "write", retryAfterSeconds: null, closed: null });
    expect(admit(state, 1_000).record).toBe("fold");
    expect(admit(state, 2_000).record).toBe("fold");
    expect(takeClosedWindows(state, 59_999, policy)).toEqual([]);
    expect(takeClosedWindows(state, 60_000, policy)).toEqual([{ key: "viewer|rollback|r1", sample: "at 2000", count: 2, firstAt: 1_000, lastAt: 2_000 }]);
    expect(takeClosedWindows(state, 120_000, policy)).toEqual([]);
  });

  it("a window with nothing folded closes silently", () => {
    const state = newFoldingState<string>();
    admit(state, 0);
    expect(takeClosedWindows(state, 61_000, policy)).toEqual([]);
  });

  it("answers 429 past the actor's limit, with the seconds left in the window", () => {
    const state = newFoldingState<string>();
    for (const now of [0, 1, 2]) expect(admit(state, now).retryAfterSeconds).toBeNull();
    expect(admit(state, 10_500).retryAfterSeconds).toBe(50);
    expect(admit(state, 59_999).retryAfterSeconds).toBe(1);
    expect(admit(state, 60_000).retryAfterSeconds).toBeNull();
  });

  it("limits one actor without touching another", () => {
    const state = newFoldingState<string>();
    for (let i = 0; i < 10; i++) admit(state, i, "flooder", "flooder|rollback|r1");
    expect(admit(state, 20, "operator", "operator|rollback|r1")).toEqual({ record: "write", retryAfterSeconds: null, closed: null });
  });

  it("hands back a closed window when its key comes back before the sweep did", () => {
    const state = newFoldingState<string>();
    admit(state, 0);
    admit(state, 5_000);
    const next = admit(state, 70_000);
    expect(next.record).toBe("write");
    expect(next.closed).toMatchObject({ count: 1, firstAt: 5_000 });
  });

  it("at shutdown, hands back every open window", () => {
    const state = newFoldingState<string>();
    admit(state, 0);
    admit(state, 1);
    admit(state, 2, "other", "other|k");
    admit(state, 3, "other", "other|k");
    expect(takeClosedWindows(state, 4, policy, { all: true }).map((w) => w.count)).toEqual([1, 1]);
  });
});
