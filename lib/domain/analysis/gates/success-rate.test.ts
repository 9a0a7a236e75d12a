import { describe, expect, it } from "vitest";
import { fieldErrorsFrom } from "../../validation-errors";
import { analysisSchema, gateSchema, type GateOf } from "../definition";
import { evaluateGate } from "../evaluate";
import { queryCostOf } from "../query-budget";

const query = 'sum(rate(req{w={{canary}}, code!~"5.."}[{{window}}])) / sum(rate(req{w={{canary}}}[{{window}}]))';
const gate = gateSchema.parse({ kind: "successRate", min: 99, query }) as GateOf<"successRate">;
const errorsOf = (gates: unknown[], intervalSeconds?: number) => {
  const parsed = analysisSchema.safeParse({ mode: "auto", gates, ...(intervalSeconds ? { intervalSeconds } : {}) });
  return parsed.success ? {} : fieldErrorsFrom(parsed.error);
};

describe("a success-rate gate", () => {
  it("takes a template and a minimum in percent, with the custom gates' defaults", () => {
    expect(gate).toMatchObject({ window: "1m", failureLimit: 3, minRequests: 0, args: {} });
    expect(analysisSchema.parse({ mode: "auto", gates: [gate] }).intervalSeconds).toBe(10);
  });

  it("refuses what it cannot judge, naming the field", () => {
    expect(errorsOf([{ kind: "successRate", query }])["gates.0.min"]).toMatch(/min \(percent\)/);
    expect(errorsOf([{ kind: "successRate", min: 120, query }])["gates.0.min"]).toBe("min is a percentage: at most 100");
    expect(errorsOf([{ kind: "successRate", min: 99, query: "up{job={{job}}}" }])["gates.0.query"]).toBe("query refers to unknown argument {{job}}");
    expect(errorsOf([{ kind: "successRate", min: 99, query: "up{job={{ 1x }}}" }])["gates.0.query"]).toBe("query has a malformed {{placeholder}}");
    expect(errorsOf([{ kind: "successRate", min: 99, query, minRequests: 20 }])["gates.0.minRequests"]).toMatch(/takes no minRequests/);
    expect(errorsOf([{ kind: "successRate", min: 99, query, max: 1 }])).toHaveProperty(["gates.0.max"]);
    expect(errorsOf([gate], 5)).toEqual({
      intervalSeconds: "analysis.intervalSeconds must be at least 10s when a successRate gate is present (they are queried per rollout)",
    });
  });

  it("passes at or above its minimum, fails below it naming the unit, and never passes on no data", () => {
    expect(evaluateGate(gate, { status: "ok", data: { canaryPercent: 99.5 } })).toMatchObject({
      verdict: "pass",
      value: 99.5,
      threshold: 99,
      unit: "%",
      reason: "canary success rate 99.5% >= 99% in 1 min",
    });
    expect(evaluateGate(gate, { status: "ok", data: { canaryPercent: 98.876 } })).toMatchObject({
      verdict: "fail",
      unit: "%",
      reason: "canary success rate 98.876% < 99% in 1 min",
    });
    expect(evaluateGate(gate, { status: "no_data" })).toMatchObject({ verdict: "inconclusive", reason: "no canary data in the last 1 min" });
    expect(evaluateGate(gate, { status: "unreachable", message: "timeout" }).verdict).toBe("inconclusive");
    expect(evaluateGate(gate, { status: "ok", data: { canaryPercent: Number.NaN } }).verdict).toBe("inconclusive");
  });

  it("calls a value outside 0-100% a template that does not give a ratio, not a pass", () => {
    const result = evaluateGate(gate, { status: "ok", data: { canaryPercent: 9950 } });
    expect(result).toMatchObject({ verdict: "inconclusive", value: 9950 });
    expect(result.reason).toMatch(/is not a share of requests: the query must give a ratio between 0 and 1/);
  });

  it("costs one query of its own a pass", () => {
    expect(queryCostOf([gate])).toEqual({ custom: 1, shared: {} });
  });
});
