import { describe, expect, it } from "vitest";
import { durationSeconds, escapePromqlString, promqlLiteral, renderTemplate, unknownArguments } from "./promql-template";

describe("PromQL string escaping", () => {
  it("escapes what PromQL (Go) unquotes, and nothing else", () => {
    expect(escapePromqlString('a"}or vector(1)#')).toBe('a\\"}or vector(1)#');
    expect(escapePromqlString("back\\slash\nnew\ttab\u0001")).toBe("back\\\\slash\\nnew\\ttab\\x01");
    expect(escapePromqlString("ünïcödé ✓")).toBe("ünïcödé ✓");
    expect(promqlLiteral('x"y')).toBe('"x\\"y"');
  });

  it("refuses a lone surrogate, which no label value can hold", () => {
    expect(() => escapePromqlString("a\ud800b")).toThrow(RangeError);
  });
});

describe("templates", () => {
  const query = "sum(rate(app_queue_depth{workload={{target}}, tier={{tier}}}[{{window}}]))";

  it("quotes every argument and checks the window", () => {
    const rendered = renderTemplate(query, { target: 'a"}or vector(1)#', tier: "gold", window: "1m" });
    expect(rendered).toBe('sum(rate(app_queue_depth{workload="a\\"}or vector(1)#", tier="gold"}[1m]))');
    expect(() => renderTemplate(query, { target: "a", tier: "gold", window: "1m] or vector(1) #" })).toThrow(/not a PromQL duration/);
  });

  it("names the arguments it does not know, and refuses to render without them", () => {
    expect(unknownArguments(query, [])).toEqual(["tier"]);
    expect(unknownArguments(query, ["tier"])).toEqual([]);
    expect(() => renderTemplate(query, { target: "a", window: "1m" })).toThrow(/\{\{tier\}\}/);
    expect(() => renderTemplate("up{{oops", {})).toThrow(/malformed/);
  });

  it("reads PromQL durations", () => {
    expect(durationSeconds("1m30s")).toBe(90);
    expect(durationSeconds("20s")).toBe(20);
    expect(durationSeconds("1.5m")).toBeNull();
  });
});
