import { describe, expect, it } from "vitest";
import { parseAuditLogQuery } from "./audit/log-filter";
import { parseHistoryQuery } from "./audit/history-filter";
import { queryFromUrl } from "./query-text";

describe("text from a query string", () => {
  it.each(["a\u0000b", "tab\there", "line\nbreak", "esc\u001b", "del\u007f", "nel\u0085", "csi\u009b", "\ud800", "x\udc00y", "\udfff\ud800"])(
    "refuses %j in any filter",
    (value) => {
      for (const parse of [parseAuditLogQuery, parseHistoryQuery]) {
        expect(() => parse({ q: `abc${value}` })).toThrow(expect.objectContaining({ code: "VALIDATION", fields: { q: expect.stringMatching(/^q must/) } }));
        expect(() => parse({ actor: value })).toThrow(expect.objectContaining({ fields: { actor: expect.stringMatching(/^actor must/) } }));
      }
    },
  );

  it.each(["checkout", "café ✓", "🚀 launch", '100% "quoted" \\ back', "\u00a0nbsp"])("accepts %j", (value) => {
    expect(parseAuditLogQuery({ q: value }).filter.q).toBe(value.trim());
  });

  it("decodes like URLSearchParams, the last of a repeated name winning", () => {
    expect(queryFromUrl("http://x/?q=caf%C3%A9+au+lait&actor=a%2Bb&flag&actor=c")).toEqual({ q: "café au lait", actor: "c", flag: "" });
    expect(queryFromUrl("http://x/")).toEqual({});
  });

  it.each([
    ["?q=ab%ED%A0%80c", "q"],
    ["?actor=%ED%B0%80", "actor"],
    ["?q=%FF", "q"],
    ["?q=abc%", "q"],
    ["?q=%C3", "q"],
    ["?bad%FFname=1", "bad\ufffdname"],
  ])("names the field whose escapes are not UTF-8: %s", (search, field) => {
    expect(() => queryFromUrl(`http://x/${search}`)).toThrow(
      expect.objectContaining({ code: "VALIDATION", fields: { [field]: `${field} is not valid percent-encoded UTF-8` } }),
    );
  });

  it("refuses a lone surrogate or a control character that reaches the filters by another path", () => {
    for (const parse of [parseAuditLogQuery, parseHistoryQuery]) {
      expect(() => parse({ q: "abc\ud800" })).toThrow(expect.objectContaining({ code: "VALIDATION", fields: { q: expect.stringMatching(/surrogate/) } }));
      expect(() => parse({ actor: "\u0000", namespace: "ok", service: "a\u0001" })).toThrow(
        expect.objectContaining({ fields: { actor: expect.stringMatching(/NUL/), service: expect.stringMatching(/control/) } }),
      );
      // still every bad field at once, the text check alongside the schema's
      expect(() => parse({ q: "ab", actor: "x\u0000", from: "2026-02-30" })).toThrow(
        expect.objectContaining({ fields: { q: expect.any(String), actor: expect.any(String), from: expect.any(String) } }),
      );
    }
  });

  it("keeps dates within years 1 to 9999", () => {
    expect(parseAuditLogQuery({ from: "0001-01-01T00:00Z", to: "9999-12-31" }).filter).toMatchObject({
      from: new Date("0001-01-01T00:00:00Z"),
      toExclusive: new Date("+010000-01-01T00:00:00Z"),
    });
    expect(() => parseAuditLogQuery({ from: "0000-06-01T00:00Z" })).toThrow(
      expect.objectContaining({ fields: { from: expect.stringMatching(/out of range/) } }),
    );
  });
});
