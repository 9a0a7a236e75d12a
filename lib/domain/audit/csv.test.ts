import { describe, expect, it } from "vitest";
import { AUDIT_CSV_HEADER, auditCsvRow, csvCell, csvRow } from "./csv";
import type { AuditLogEntry } from "./entry";

describe("csvCell", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["cr\rhere", '"cr\rhere"'],
    ["=SUM(A1:A9)", "'=SUM(A1:A9)"],
    ["+1 555", "'+1 555"],
    ["-5% burn", "'-5% burn"],
    ["@user", "'@user"],
    ["\tindent", "'\tindent"],
    ['=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
    ["a=b", "a=b"],
    ["", ""],
  ])("%j -> %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it("writes numbers as numbers, never neutralised, and null as empty", () => {
    expect(csvRow([-5, 0, 12n, null, "x"])).toBe("-5,0,12,,x\r\n");
  });
});

describe("auditCsvRow", () => {
  const entry: AuditLogEntry = {
    id: 42n,
    at: new Date("2026-04-15T10:30:00.123Z"),
    rolloutId: "6f1c1a52-0a6b-4d36-9d47-2f0b5a0e0c11",
    actorId: "u-alice",
    actorEmail: "alice@example.com",
    actorRole: "operator",
    action: "rollback",
    reason: "errors, again",
    outcome: "success",
    errorCode: null,
    errorMessage: null,
    before: { status: "progressing", currentStep: 1, canaryWeight: 25 },
    after: { status: "rolled_back", currentStep: null, canaryWeight: 0, stableWeight: 100 },
    resourceVersionBefore: "10",
    resourceVersionAfter: "11",
    durationMs: 87,
    requestId: "req-1",
    clientAddress: "10.0.0.1",
    repeatCount: 3,
    prevHash: "a".repeat(64),
    hash: "b".repeat(64),
    rollout: { name: "checkout-v7", namespace: "shop", virtualService: "checkout", cluster: "default" },
  };

  it("has one cell per header column, weights with the stable side derived when absent", () => {
    const header = AUDIT_CSV_HEADER.trimEnd().split(",");
    const cells = auditCsvRow(entry)
      .trimEnd()
      .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    expect(cells).toHaveLength(header.length);
    const cell = (name: string) => cells[header.indexOf(name)];
    expect(cell("at_utc")).toBe("2026-04-15T10:30:00.123Z");
    expect(cell("reason")).toBe('"errors, again"');
    expect(cell("repeat_count")).toBe("3");
    expect(cell("canary_weight_before_pct")).toBe("25");
    expect(cell("stable_weight_before_pct")).toBe("75");
    expect(cell("stable_weight_after_pct")).toBe("100");
    expect(cell("status_after")).toBe("rolled_back");
    expect(cell("namespace")).toBe("shop");
  });

  it("leaves rollout columns empty for an event without a rollout", () => {
    const row = auditCsvRow({ ...entry, rolloutId: null, rollout: null, before: null, after: null });
    expect(row.startsWith("42,2026-04-15T10:30:00.123Z,,,,,,rollback,")).toBe(true);
  });
});
