import { describe, expect, it } from "vitest";
import { gateSchema, type GateOf } from "./definition";
import { evaluateGate } from "./evaluate";
import { classifyMetric, judge, type MetricSpec } from "./judge";
import { prng } from "./test-random";

const options = { tolerance: 0.25, confidence: 0.98, passScore: 95, marginalScore: 75, minSamples: 10 };
const latency: MetricSpec = { name: "p95 latency", direction: "increase", critical: false, weight: 1, unit: "ms" };

function around(center: number, spread: number, n: number, seed: number): number[] {
  const random = prng(seed);
  return Array.from({ length: n }, () => center + (random() - 0.5) * 2 * spread);
}

describe("metric classification", () => {
  it("calls a canary High when the whole interval clears the tolerance fraction of the shift (Kayenta's bound)", () => {
    const result = classifyMetric(latency, { canary: around(412, 20, 30, 1), stable: around(180, 20, 30, 2) }, options);
    expect(result.classification).toBe("High");
    expect(result.bound).toBeCloseTo(0.25 * Math.abs(result.estimate ?? 0), 9);
    expect(result.sentence).toMatch(
      /^canary p95 latency 4\d\d ms vs 1\d\d ms stable: higher, the whole interval at 98% confidence clears 25% of the shift \(shift .* ms, interval .*\) -> High$/,
    );
  });

  it("as Kayenta: a small shift measured precisely is High; the same shift lost in noise is Pass", () => {
    const precise = classifyMetric(latency, { canary: around(200, 5, 40, 3), stable: around(180, 5, 40, 4) }, options);
    expect(precise.pValue).toBeLessThan(1e-6);
    expect(precise.classification).toBe("High");
    const noisy = classifyMetric(latency, { canary: around(200, 120, 12, 3), stable: around(180, 120, 12, 4) }, options);
    expect(noisy.classification).toBe("Pass");
    expect(noisy.sentence).toMatch(/not higher with the interval at 98% confidence clear of 25% of the shift/);
  });

  it("honours direction: a faster canary is not a failure of an 'increase' metric", () => {
    const samples = { canary: around(90, 5, 30, 5), stable: around(180, 5, 30, 6) };
    expect(classifyMetric(latency, samples, options).classification).toBe("Pass");
    expect(classifyMetric({ ...latency, direction: "either" }, samples, options).classification).toBe("Low");
    expect(classifyMetric({ ...latency, direction: "decrease" }, samples, options).classification).toBe("Low");
  });

  it("says Nodata below minSamples, and Pass for identical constant data", () => {
    expect(classifyMetric(latency, { canary: [1, 2, 3], stable: around(180, 5, 30, 7) }, options)).toMatchObject({
      classification: "Nodata",
      sentence: "canary p95 latency: 3 canary and 30 stable samples, 10 needed on each side -> Nodata",
    });
    expect(classifyMetric(latency, { canary: new Array(12).fill(5), stable: new Array(12).fill(5) }, options).classification).toBe("Pass");
  });
});

describe("score", () => {
  const specs: MetricSpec[] = [
    { ...latency, name: "a" },
    { ...latency, name: "b" },
    { ...latency, name: "c" },
    { ...latency, name: "d", weight: 2 },
  ];
  const same = { canary: around(100, 5, 30, 8), stable: around(100, 5, 30, 9) };
  const worse = { canary: around(300, 5, 30, 10), stable: around(100, 5, 30, 11) };

  it("is passed weight over classified weight, in Kayenta's bands", () => {
    expect(judge(specs, { a: same, b: same, c: same, d: same }, options)).toMatchObject({ score: 100, classification: "Pass" });
    // a fails: 4 of 5 weight passes -> 80, marginal.
    expect(judge(specs, { a: worse, b: same, c: same, d: same }, options)).toMatchObject({ score: 80, classification: "Marginal" });
    // d (weight 2) fails: 3 of 5 -> 60, fail.
    expect(judge(specs, { a: same, b: same, c: same, d: worse }, options)).toMatchObject({ score: 60, classification: "Fail" });
    // Nodata counts in neither: a missing, the rest pass -> 100.
    expect(judge(specs, { b: same, c: same, d: same }, options)).toMatchObject({ score: 100, classification: "Pass" });
    expect(judge(specs, {}, options)).toMatchObject({ classification: "Nodata" });
  });

  it("fails the whole judgement on a critical metric", () => {
    const result = judge([...specs, { ...latency, name: "errors", critical: true }], { a: same, b: same, c: same, d: same, errors: worse }, options);
    expect(result).toMatchObject({ score: 0, classification: "Fail", criticalFailure: "errors" });
  });
});

describe("judge gate", () => {
  it("maps Pass / Marginal / Fail to pass / inconclusive / fail, with the worst metric's sentence", () => {
    const gate = gateSchema.parse({ kind: "judge", metrics: [{ name: "p95", query: "x{w={{target}}}", unit: "ms" }] }) as GateOf<"judge">;
    const bad = evaluateGate(gate, { status: "ok", data: { metrics: { p95: { canary: around(412, 20, 30, 12), stable: around(180, 20, 30, 13) } } } });
    expect(bad).toMatchObject({ verdict: "fail", value: 0, threshold: 95 });
    expect(bad.reason).toMatch(/-> Fail; canary p95 .* -> High$/);
    expect(evaluateGate(gate, { status: "ok", data: { metrics: {} } }).verdict).toBe("inconclusive");
  });
});
