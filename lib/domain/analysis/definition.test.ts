import { describe, expect, it } from "vitest";
import { fieldErrorsFrom } from "../validation-errors";
import { analysisSchema, deriveGates, effectiveGates, gateId, gateSchema } from "./definition";

const errorsOf = (input: unknown) => {
  const parsed = analysisSchema.safeParse(input);
  return parsed.success ? {} : fieldErrorsFrom(parsed.error);
};

describe("analysis block", () => {
  it("needs only a mode, and fills the interval", () => {
    expect(analysisSchema.parse({ mode: "rollback" })).toEqual({ mode: "rollback", intervalSeconds: 5 });
  });

  it("fills each gate's defaults", () => {
    const { gates } = analysisSchema.parse({ mode: "auto", gates: [{ kind: "errorRate", max: 1 }, { kind: "split" }] });
    expect(gates?.[0]).toMatchObject({ window: "20s", failureLimit: 1, minRequests: 8, confidence: 0.9999 });
    expect(gates?.[1]).toMatchObject({ tolerance: 0.5, window: "1m", failureLimit: 3 });
  });

  it("names every bad field", () => {
    expect(errorsOf({ mode: "yolo" })).toHaveProperty("mode");
    expect(errorsOf({ mode: "auto", intervalSeconds: 301 })).toEqual({ intervalSeconds: "intervalSeconds must be at most 300" });
    expect(errorsOf({ mode: "auto", gates: [{ kind: "errorRate", max: 1, window: "5x" }] })).toHaveProperty(["gates.0.window"]);
    expect(errorsOf({ mode: "auto", gates: [{ kind: "errorRate", max: 1, window: "2s" }] })["gates.0.window"]).toMatch(/between 10s and 24h/);
    expect(errorsOf({ mode: "auto", gates: [{ kind: "latencyP95" }] })["gates.0"]).toMatch(/at least one limit/);
    expect(errorsOf({ mode: "auto", gates: [{ kind: "errorRate", max: 1, typo: 1 }] })).toHaveProperty(["gates.0.typo"]);
    expect(
      errorsOf({
        mode: "auto",
        gates: [
          { kind: "errorRate", max: 1 },
          { kind: "errorRate", max: 2 },
        ],
      })["gates.1.name"],
    ).toMatch(/two gates/);
  });

  it("refuses templates that use unknown arguments, and arguments that shadow built-ins", () => {
    const gate = { kind: "promql", max: 10, query: "sum(queue{workload={{target}}, shard={{shard}}})" };
    expect(errorsOf({ mode: "auto", gates: [gate] })["gates.0.query"]).toBe("query refers to unknown argument {{shard}}");
    expect(errorsOf({ mode: "auto", gates: [{ ...gate, args: { shard: "a" } }] })).toEqual({});
    expect(errorsOf({ mode: "auto", gates: [{ ...gate, args: { shard: "a", canary: "x" } }] })["gates.0.args"]).toMatch(/may not redefine/);
  });

  it("checks a judge's metrics and score bands", () => {
    const metric = { name: "p95", query: "x{w={{target}}}" };
    expect(gateSchema.parse({ kind: "judge", metrics: [metric] })).toMatchObject({ tolerance: 0.25, confidence: 0.98, passScore: 95, marginalScore: 75 });
    expect(errorsOf({ mode: "auto", gates: [{ kind: "judge", metrics: [metric, metric] }] })["gates.0.metrics.1.name"]).toMatch(/used twice/);
    expect(errorsOf({ mode: "auto", gates: [{ kind: "judge", metrics: [metric], passScore: 50, marginalScore: 80 }] })).toHaveProperty([
      "gates.0.marginalScore",
    ]);
  });
});

describe("the interval of rollouts with custom gates", () => {
  const promql = { kind: "promql", max: 10, query: "sum(queue{workload={{canary}}})" };
  const judge = { kind: "judge", metrics: [{ name: "p95", query: "x{w={{target}}}" }] };

  it("must be at least 10 s with a promql or judge gate, naming the field", () => {
    const message = "analysis.intervalSeconds must be at least 10s when a promql or judge gate is present (they are queried per rollout)";
    expect(errorsOf({ mode: "auto", intervalSeconds: 5, gates: [promql] })).toEqual({ intervalSeconds: message });
    expect(errorsOf({ mode: "auto", intervalSeconds: 9, gates: [{ kind: "errorRate", max: 1 }, judge] })).toEqual({ intervalSeconds: message });
    expect(errorsOf({ mode: "auto", intervalSeconds: 10, gates: [promql, judge] })).toEqual({});
  });

  it("defaults to 10 s for them and stays 5 s (and free) for built-in gates", () => {
    expect(analysisSchema.parse({ mode: "auto", gates: [judge] }).intervalSeconds).toBe(10);
    expect(analysisSchema.parse({ mode: "auto", gates: [{ kind: "errorRate", max: 1 }] }).intervalSeconds).toBe(5);
    expect(analysisSchema.parse({ mode: "auto", intervalSeconds: 1, gates: [{ kind: "errorRate", max: 1 }] }).intervalSeconds).toBe(1);
    // What was parsed parses again unchanged (a stored definition re-checked on edit).
    const once = analysisSchema.parse({ mode: "auto", gates: [promql] });
    expect(analysisSchema.parse(once)).toEqual(once);
  });
});

describe("gates derived from the SLO", () => {
  it("holds the canary to the budget, the P95 objective and the paging burn rates", () => {
    const gates = deriveGates({ availability: 99.9, latencyP95Ms: 250 });
    expect(gates.map(gateId)).toEqual(["errorRate", "latencyP95", "burnRate"]);
    expect(gates[0]).toMatchObject({ kind: "errorRate", max: 0.1 });
    expect(gates[1]).toMatchObject({ kind: "latencyP95", max: 250, failureLimit: 3 });
    expect(gates[2]).toMatchObject({ kind: "burnRate", availability: 99.9, severity: "page" });
  });

  it("are used only when the rollout names none", () => {
    const own = analysisSchema.parse({ mode: "auto", gates: [{ kind: "requestRate", min: 1 }] });
    expect(effectiveGates(own, { availability: 99, latencyP95Ms: 100 }).map(gateId)).toEqual(["requestRate"]);
    expect(effectiveGates({}, { availability: 99, latencyP95Ms: 100 })).toHaveLength(3);
  });
});
