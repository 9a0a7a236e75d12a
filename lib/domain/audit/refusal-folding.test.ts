import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admitRefusal, newFoldingState, takeClosedWindows, type FoldedRefusals, type FoldingPolicy } from "./refusal-folding";

const policy: FoldingPolicy = { windowMs: 60_000, limitPerActor: 3, maxActors: 4, sampleSize: 2, maxDistinct: 50 };
type State = ReturnType<typeof newFoldingState<string>>;
const admit = (state: State, now: number, actorId = "viewer", key = "rollback r1", options = policy) =>
  admitRefusal(state, { actorId, key, sample: `at ${now}`, now }, options);

describe("folding refused requests", () => {
  it("writes the first refusal of a window, folds the rest, and closes the window with one count", () => {
    const state = newFoldingState<string>();
    expect(admit(state, 0)).toEqual({ record: "write", retryAfterSeconds: null, closed: [] });
    expect(admit(state, 1_000).record).toBe("fold");
    expect(admit(state, 2_000).record).toBe("fold");
    expect(takeClosedWindows(state, 59_999, policy)).toEqual([]);
    expect(takeClosedWindows(state, 60_000, policy)).toEqual([
      { kind: "repeats", actorId: "viewer", key: "rollback r1", sample: "at 2000", count: 2, firstAt: 1_000, lastAt: 2_000 },
    ]);
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
    for (let i = 0; i < 10; i++) admit(state, i, "flooder");
    expect(admit(state, 20, "operator")).toEqual({ record: "write", retryAfterSeconds: null, closed: [] });
  });

  it("past the limit, new keys write nothing at once: they fold into one overflow event with a sample", () => {
    const state = newFoldingState<string>();
    const records = Array.from({ length: 100 }, (_, i) => admit(state, i, "viewer", `key-${i % 60}`).record);
    expect(records.filter((r) => r === "write")).toHaveLength(3);
    const closed = takeClosedWindows(state, 60_000, policy);
    expect(closed.map((event) => event.kind)).toEqual(["repeats", "repeats", "repeats", "overflow"]);
    expect(closed.at(-1)).toEqual({
      kind: "overflow",
      actorId: "viewer",
      keys: { first: ["key-3", "key-4"], distinct: 50, capped: true },
      sample: "at 99",
      count: 100 - 3 - 3,
      firstAt: 3,
      lastAt: 99,
    });
  });

  it("tracks a bounded number of actors; the rest fold into one crowd event, answered 429", () => {
    const state = newFoldingState<string>();
    for (const actor of ["a", "b", "c", "d"]) expect(admit(state, 0, actor).record).toBe("write");
    const forged = Array.from({ length: 500 }, (_, i) => admit(state, 30_000 + i, `forged-${i}`, "get /api/x"));
    expect(forged.every((a) => a.record === "fold" && a.retryAfterSeconds === 60)).toBe(true);
    expect(state.actors.size).toBe(4);
    // The tracked actors' windows end first; the crowd's window started with its first refusal.
    expect(takeClosedWindows(state, 60_000, policy)).toEqual([]);
    const [crowd, ...rest] = takeClosedWindows(state, 90_000, policy);
    expect(rest).toEqual([]);
    expect(crowd).toMatchObject({ kind: "crowd", count: 500, actors: { first: ["forged-0", "forged-1"], distinct: 50, capped: true } });
    expect(crowd).toMatchObject({ keys: { first: ["get /api/x"], distinct: 1, capped: false } });
  });

  it("an actor whose window is over makes room for a new one even before the sweep", () => {
    const state = newFoldingState<string>();
    for (const actor of ["a", "b", "c", "d"]) admit(state, 0, actor);
    admit(state, 1, "a");
    const late = admit(state, 60_000, "e");
    expect(late.record).toBe("write");
    expect(late.closed).toEqual([expect.objectContaining({ kind: "repeats", actorId: "a", count: 1 })]);
  });

  it("hands back a closed window when its actor comes back before the sweep did", () => {
    const state = newFoldingState<string>();
    admit(state, 0);
    admit(state, 5_000);
    const next = admit(state, 70_000);
    expect(next.record).toBe("write");
    expect(next.closed).toEqual([expect.objectContaining({ kind: "repeats", count: 1, firstAt: 5_000 })]);
  });

  it("at shutdown, hands back every open window", () => {
    const state = newFoldingState<string>();
    admit(state, 0);
    admit(state, 1);
    admit(state, 2, "other", "k");
    admit(state, 3, "other", "k");
    expect(takeClosedWindows(state, 4, policy, { all: true }).map((w) => w.count)).toEqual([1, 1]);
  });
});

describe("folding, whatever the flood", () => {
  const refusal = fc.record({ actor: fc.integer({ min: 0, max: 12 }), key: fc.integer({ min: 0, max: 200 }), gap: fc.integer({ min: 0, max: 9_000 }) });

  it("accounts for every refusal once and writes a bounded number of events per window", () => {
    fc.assert(
      fc.property(fc.array(refusal, { maxLength: 400 }), (flood) => {
        const state = newFoldingState<string>();
        let now = 0;
        let written = 0;
        const folded: FoldedRefusals<string>[] = [];
        for (const { actor, key, gap } of flood) {
          now += gap;
          const admission = admit(state, now, `actor-${actor}`, `key-${key}`);
          folded.push(...admission.closed, ...takeClosedWindows(state, now, policy));
          if (admission.record === "write") written += 1;
          expect(state.actors.size).toBeLessThanOrEqual(policy.maxActors);
          for (const window of state.actors.values()) expect(window.repeats.size).toBeLessThanOrEqual(policy.limitPerActor);
        }
        folded.push(...takeClosedWindows(state, now, policy, { all: true }));
        expect(written + folded.reduce((sum, event) => sum + event.count, 0)).toBe(flood.length);
        const windows = Math.floor(now / policy.windowMs) + 2;
        const perWindow = policy.maxActors * (2 * policy.limitPerActor + 1) + 1;
        expect(written + folded.length).toBeLessThanOrEqual(windows * perWindow);
        for (const event of folded) if (event.kind !== "repeats") expect(event.keys.first.length).toBeLessThanOrEqual(policy.sampleSize);
      }),
      { seed: 19_003, numRuns: 300 },
    );
  });
});
