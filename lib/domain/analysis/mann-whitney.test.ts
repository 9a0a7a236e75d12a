import { describe, expect, it } from "vitest";
import { mannWhitney, rank } from "./mann-whitney";

describe("Mann-Whitney U", () => {
  it("ranks ties by their average", () => {
    expect(rank([3, 1, 3, 2])).toEqual({ ranks: [3.5, 1, 3.5, 2], ties: [1, 1, 2] });
  });

  it("matches Kayenta's own test case (and R's exact wilcox.test)", () => {
    // kayenta-mannwhitney MannWhitneySuite: CI [6, 39], estimate 22.5; p = 2/70 (SciPy, exact).
    const result = mannWhitney([10, 20, 30, 40], [1, 2, 3, 4], { confidence: 0.95 });
    expect(result).toMatchObject({ u: 16, estimate: 22.5, interval: [6, 39], method: "exact" });
    expect(result.pValue).toBeCloseTo(0.02857142857142857, 12);
    // The exact interval can only reach 1 - 2 x P(U <= 0) = 1 - 2/70.
    expect(result.achievedConfidence).toBeCloseTo(1 - 2 / 70, 12);
  });

  it("matches R's documented example (W = 35; one-sided p = 0.1272)", () => {
    // ?wilcox.test: x, y from Hollander & Wolfe (1973), p. 69; SciPy agrees: two-sided 0.25441.
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const result = mannWhitney(x, y);
    expect(result.u).toBe(35);
    expect(result.pValue).toBeCloseTo(0.2544122544122544, 12);
  });

  it("uses the normal approximation with tie and continuity corrections when there are ties", () => {
    const a = [1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 8];
    const b = [3, 4, 4, 5, 6, 6, 7, 8, 8, 9, 9, 10, 11];
    const result = mannWhitney(a, b, { confidence: 0.95 });
    expect(result.method).toBe("normal");
    expect(result.u).toBe(30);
    // SciPy: mannwhitneyu(a, b, method="asymptotic", use_continuity=True).pvalue
    expect(result.pValue).toBeCloseTo(0.009371664169231873, 5);
    // The estimate sits where the median of pairwise differences (-3) puts it; the interval is around it.
    expect(result.estimate).toBeCloseTo(-3, 1);
    expect(result.interval[0]).toBeLessThan(result.estimate);
    expect(result.interval[1]).toBeGreaterThan(result.estimate);
    expect(result.interval[1]).toBeLessThan(0);
  });

  it("refuses empty samples", () => {
    expect(() => mannWhitney([], [1])).toThrow(RangeError);
  });
});
