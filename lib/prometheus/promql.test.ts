import { describe, expect, it } from "vitest";
import { AppError } from "../app-error";
import { anyOfRegex, assertDuration, assertMetricName, labelMatcher, promqlString, regexEscape, tagged, union, vectorSelector } from "./promql";
import { leSpellings, parseLe, quantileExpr } from "./sli-queries";

function validationFields(fn: () => unknown): Record<string, string> | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError && error.code === "VALIDATION") return error.fields;
    throw error;
  }
  throw new Error("expected a VALIDATION error");
}

describe("PromQL string literals", () => {
  it("escapes backslash, double quote and control characters as PromQL (Go) unquotes them", () => {
    expect(promqlString("plain")).toBe('"plain"');
    expect(promqlString('a"}or vector(1)#')).toBe('"a\\"}or vector(1)#"');
    expect(promqlString('x\\"')).toBe('"x\\\\\\""');
    expect(promqlString("line\nbreak\r\ttab")).toBe('"line\\nbreak\\r\\ttab"');
    expect(promqlString("nul\u0000del\u007f")).toBe('"nul\\x00del\\x7f"');
    expect(promqlString("ünï 🐦")).toBe('"ünï 🐦"');
  });

  it("refuses a lone surrogate, which no label value can hold", () => {
    expect(validationFields(() => promqlString("bad\ud800"))).toHaveProperty("value");
  });
});

describe("matchers and selectors", () => {
  it("builds a matcher with a checked name and a quoted value", () => {
    expect(labelMatcher("destination_workload", "=", 'a"}or vector(1)#')).toBe('destination_workload="a\\"}or vector(1)#"');
    expect(labelMatcher("response_code", "=~", "5..")).toBe('response_code=~"5.."');
  });

  it("refuses label and metric names outside the grammar", () => {
    for (const name of ["", "0abc", "destination-version", 'x"} or vector(1)', "a b", "ünï"]) {
      expect(validationFields(() => labelMatcher(name, "=", "v"))).toHaveProperty("label");
    }
    expect(validationFields(() => assertMetricName("istio requests"))).toHaveProperty("metric");
    expect(vectorSelector("ns:rule_name", ['a="b"'])).toBe('ns:rule_name{a="b"}');
  });

  it("escapes RE2 metacharacters so a value only matches itself", () => {
    expect(regexEscape(".*")).toBe("\\.\\*");
    expect(regexEscape("a|b(c)[d]{e}^$+?\\")).toBe("a\\|b\\(c\\)\\[d\\]\\{e\\}\\^\\$\\+\\?\\\\");
    expect(anyOfRegex(["ns1", "ns.2", "ns1"])).toBe("ns1|ns\\.2");
    // and once inside a PromQL string, each backslash is doubled again
    expect(labelMatcher("destination_workload", "=~", anyOfRegex([".*"]))).toBe('destination_workload=~"\\\\.\\\\*"');
  });

  it("refuses an empty alternation, which would match series without the label", () => {
    expect(validationFields(() => anyOfRegex([]))).toHaveProperty("value");
    expect(validationFields(() => anyOfRegex(["a", ""]))).toHaveProperty("value");
  });

  it("accepts only PromQL durations", () => {
    expect(assertDuration("1h30m")).toBe("1h30m");
    for (const bad of ["5", "5 m", "-5m", "5m]) or vector(1", ""]) expect(validationFields(() => assertDuration(bad))).toHaveProperty("window");
  });
});

describe("combining expressions", () => {
  it("tags an expression with constant labels and joins parts with or", () => {
    expect(tagged("sum(x)", { aviary_part: "p95" })).toBe('label_replace(sum(x), "aviary_part", "p95", "", "")');
    // "$" would be a capture reference in label_replace's replacement
    expect(tagged("x", { l: "a$1" })).toBe('label_replace(x, "l", "a$$1", "", "")');
    expect(union(["a", "b or c"])).toBe("(a) or (b or c)");
  });

  it("builds histogram_quantile over summed bucket rates", () => {
    expect(quantileExpr({ q: 0.95, matchers: ['reporter="destination"'], by: ["destination_workload"], window: "5m" })).toBe(
      'histogram_quantile(0.95, sum by (le, destination_workload) (rate(istio_request_duration_milliseconds_bucket{reporter="destination"}[5m])))',
    );
    expect(() => quantileExpr({ q: 95, matchers: [], by: [], window: "5m" })).toThrow(RangeError);
  });

  it("matches every spelling of a bucket bound and reads it back as a number", () => {
    expect(leSpellings(500)).toEqual(["500", "500.0", "5e+02"]);
    expect(leSpellings(3600000)).toEqual(["3600000", "3600000.0", "3.6e+06"]);
    expect(leSpellings(0.5)).toEqual(["0.5", "5e-01"]);
    expect([parseLe("500.0"), parseLe("3.6e+06"), parseLe("+Inf"), parseLe(undefined)]).toEqual([500, 3600000, Infinity, NaN]);
  });
});
