import { describe, expect, it } from "vitest";
import { gateSchema, type GateInput } from "./definition";
import { deferralReason, nextDeferredSince, planPass, queryCostOf, type BudgetCandidate } from "./query-budget";

const gates = (...inputs: GateInput[]) => inputs.map((input) => gateSchema.parse(input));
const judge = (metrics: number) =>
  ({ kind: "judge", name: `judge${metrics}`, metrics: Array.from({ length: metrics }, (_, i) => ({ name: `m${i}`, query: "x{w={{target}}}" })) }) as const;
const custom = (id: string, n: number): BudgetCandidate => ({ id, cost: { custom: n, shared: {} } });

describe("a rollout's query cost", () => {
  it("counts custom gates per rollout and built-in ones as shared groups", () => {
    const cost = queryCostOf(
      gates(
        { kind: "errorRate", max: 1 },
        { kind: "latencyP95", max: 300, window: "20s" },
        { kind: "split", window: "1m" },
        { kind: "burnRate", availability: 99.9 },
        { kind: "promql", max: 1, query: "queue{w={{canary}}}" },
        { kind: "promql", name: "both", max: 1, query: "queue{w={{target}}}" },
        judge(3),
      ),
    );
    expect(cost).toEqual({ custom: 1 + 2 + 6, shared: { "window:20s": 2, "window:1m": 2, burnRate: 2 } });
  });

  it("of the issue's worst case: 20 judges of 50 metrics is 2,000 queries", () => {
    expect(queryCostOf(gates(...Array.from({ length: 20 }, (_, i) => ({ ...judge(50), name: `j${i}` })))).custom).toBe(2000);
  });
});

describe("one pass's plan", () => {
  it("admits what fits in order, skips what does not, and lets smaller ones behind it run", () => {
    const plan = planPass({ candidates: [custom("a", 40), custom("big", 50), custom("b", 30)], budget: 80, deferredSince: new Map() });
    expect(plan).toEqual({ admitted: ["a", "b"], deferred: [{ id: "big", wanted: 50, left: 40 }], used: 70 });
  });

  it("charges a shared grouped query once: the second rollout on the same window costs nothing more", () => {
    const shared = { cost: { custom: 0, shared: { "window:20s": 2, burnRate: 2 } } };
    const plan = planPass({
      candidates: [
        { id: "a", ...shared },
        { id: "b", ...shared },
      ],
      budget: 4,
      deferredSince: new Map(),
    });
    expect(plan).toMatchObject({ admitted: ["a", "b"], used: 4 });
  });

  it("puts rollouts that waited first, the longest-waiting first, so a large one is not starved by small ones", () => {
    let since = new Map<string, number>();
    const candidates = [custom("s1", 30), custom("s2", 30), custom("large", 90)];
    const first = planPass({ candidates, budget: 100, deferredSince: since });
    expect(first.admitted).toEqual(["s1", "s2"]);
    since = nextDeferredSince(since, first, 1_000);
    const second = planPass({ candidates, budget: 100, deferredSince: since });
    expect(second.admitted).toEqual(["large"]);
    expect(second.deferred.map((d) => d.id)).toEqual(["s1", "s2"]);
    since = nextDeferredSince(since, second, 2_000);
    expect([...since]).toEqual([
      ["s1", 2_000],
      ["s2", 2_000],
    ]);
    expect(planPass({ candidates, budget: 100, deferredSince: since }).admitted).toEqual(["s1", "s2"]);
  });

  it("runs a rollout larger than the whole budget alone when it is first in line, and says why when it is not", () => {
    const candidates = [custom("small", 10), custom("huge", 2000)];
    const plan = planPass({ candidates, budget: 200, deferredSince: new Map() });
    expect(plan.deferred).toEqual([{ id: "huge", wanted: 2000, left: 190 }]);
    const alone = planPass({ candidates, budget: 200, deferredSince: nextDeferredSince(new Map(), plan, 1) });
    expect(alone).toEqual({ admitted: ["huge"], deferred: [{ id: "small", wanted: 10, left: 0 }], used: 2000 });
    expect(deferralReason({ wanted: 2000, left: 190, budget: 200 })).toBe(
      "waiting for query budget: 2000 queries wanted, more than the whole budget of 200 a pass (AVIARY_ANALYSIS_QUERY_BUDGET); evaluated in a pass of its own when its turn comes",
    );
    expect(deferralReason({ wanted: 10, left: 0, budget: 200 })).toMatch(/^waiting for query budget: 10 queries wanted, 0 left this pass; evaluated next pass/);
  });

  it("admits everything when it fits, and nothing is deferred", () => {
    expect(planPass({ candidates: [custom("a", 1), custom("b", 1)], budget: 2, deferredSince: new Map() })).toEqual({
      admitted: ["a", "b"],
      deferred: [],
      used: 2,
    });
  });
});
