import { describe, expect, it } from "vitest";
import { binomialLowerTail, binomialUpperTail, logGamma, normalCdf, normalQuantile } from "./stats";

// Reference values from SciPy 1.17 (scipy.stats.binom.sf / cdf, norm.ppf / cdf).
describe("binomial tails", () => {
  it("matches SciPy for the counts the error gate sees", () => {
    expect(binomialUpperTail(1, 30, 0.001)).toBeCloseTo(0.029569032736914254, 12);
    expect(binomialUpperTail(2, 30, 0.001) / 0.00042696164793270137).toBeCloseTo(1, 9);
    expect(binomialUpperTail(3, 30, 0.001) / 3.978634128664491e-6).toBeCloseTo(1, 9);
    expect(binomialUpperTail(4, 200, 0.001) / 5.5322622658978316e-5).toBeCloseTo(1, 9);
    expect(binomialUpperTail(15, 300, 0.01) / 5.330305186116986e-7).toBeCloseTo(1, 9);
    expect(binomialLowerTail(40, 1000, 0.05)).toBeCloseTo(0.080636573256691, 10);
  });

  it("handles the edges", () => {
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
    expect(binomialUpperTail(1, 10, 0)).toBe(0);
    expect(binomialLowerTail(10, 10, 0.3)).toBe(1);
    expect(binomialLowerTail(-1, 10, 0.3)).toBe(0);
    expect(binomialUpperTail(5, 1_000_000, 0.5)).toBeCloseTo(1, 12);
  });

  it("computes ln Γ", () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
  });
});

describe("standard normal", () => {
  it("matches SciPy", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 8);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 6);
    expect(normalCdf(-1.96)).toBeCloseTo(1 - 0.9750021048517795, 6);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});
