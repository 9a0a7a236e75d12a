import { describe, expect, it } from "vitest";
import { freezeWindowInputSchema, type FreezeWindow, type FreezeWindowInput } from "./definition";
import { activeFreezes, activeOccurrence, describeFreeze, formatInZone, nextOccurrence } from "./windows";

const window = (input: Omit<FreezeWindowInput, "namespaces"> & { namespaces?: string[] }): FreezeWindow => ({
  id: "w",
  createdBy: "dana",
  createdAt: new Date(0),
  namespaces: [],
  ...input,
});
const at = (iso: string) => new Date(iso);
const weekend = (zone: string) => window({ name: "Weekend", zone, rule: { kind: "weekly", days: ["fri"], at: "16:00", durationMinutes: 64 * 60 } });

describe("weekly freeze windows", () => {
  it("Fri 16:00 for 64 h stays Fri 16:00 to Mon 08:00 on the wall clock across the autumn DST change (65 h that weekend)", () => {
    const w = weekend("Europe/Berlin");
    // 2026-10-23 is a Friday; Berlin leaves summer time on Sunday 2026-10-25.
    expect(activeOccurrence(w, at("2026-10-23T13:59:59.999Z"))).toBeNull();
    const occurrence = activeOccurrence(w, at("2026-10-23T14:00:00Z"));
    expect(occurrence).toEqual({ start: at("2026-10-23T14:00:00Z"), end: at("2026-10-26T07:00:00Z") });
    expect(activeOccurrence(w, at("2026-10-26T06:59:59.999Z"))?.end).toEqual(at("2026-10-26T07:00:00Z"));
    expect(activeOccurrence(w, at("2026-10-26T07:00:00Z"))).toBeNull();
    expect(formatInZone(occurrence!.end, "Europe/Berlin")).toBe("2026-10-26 08:00 Europe/Berlin");
  });

  it("and across the spring change (63 h)", () => {
    const w = weekend("Europe/Berlin");
    expect(activeOccurrence(w, at("2026-03-28T12:00:00Z"))).toEqual({ start: at("2026-03-27T15:00:00Z"), end: at("2026-03-30T06:00:00Z") });
  });

  it("holds past midnight into the next local day, and not in UTC's idea of the day", () => {
    const late = window({ name: "Batch", zone: "America/New_York", rule: { kind: "weekly", days: ["sat"], at: "22:00", durationMinutes: 240 } });
    // Saturday 2026-12-05 22:00 EST = Sunday 03:00 UTC; ends Sunday 02:00 EST = 07:00 UTC.
    expect(activeOccurrence(late, at("2026-12-06T02:59:00Z"))).toBeNull();
    expect(activeOccurrence(late, at("2026-12-06T03:00:00Z"))).toEqual({ start: at("2026-12-06T03:00:00Z"), end: at("2026-12-06T07:00:00Z") });
    expect(activeOccurrence(late, at("2026-12-06T06:30:00Z"))).not.toBeNull();
    expect(activeOccurrence(late, at("2026-12-06T07:00:00Z"))).toBeNull();
  });

  it("a rule wrapping the end of the week holds on Sunday and Monday", () => {
    const wrap = window({ name: "Wrap", zone: "UTC", rule: { kind: "weekly", days: ["sun"], at: "20:00", durationMinutes: 24 * 60 } });
    expect(activeOccurrence(wrap, at("2026-12-07T10:00:00Z"))).toEqual({ start: at("2026-12-06T20:00:00Z"), end: at("2026-12-07T20:00:00Z") });
  });

  it("back-to-back days are one freeze, ending when the last one does", () => {
    const both = window({ name: "Fri+Sat", zone: "UTC", rule: { kind: "weekly", days: ["fri", "sat"], at: "00:00", durationMinutes: 1440 } });
    expect(activeOccurrence(both, at("2026-12-04T12:00:00Z"))?.end).toEqual(at("2026-12-06T00:00:00Z"));
  });

  it("a start skipped by spring-forward lands just after the gap (02:30 -> 03:30 CEST), the end stays on the wall clock", () => {
    const gap = window({ name: "Gap", zone: "Europe/Berlin", rule: { kind: "weekly", days: ["sun"], at: "02:30", durationMinutes: 120 } });
    expect(activeOccurrence(gap, at("2026-03-29T01:45:00Z"))).toEqual({ start: at("2026-03-29T01:30:00Z"), end: at("2026-03-29T02:30:00Z") });
  });

  it("the next occurrence is the first start after now", () => {
    expect(nextOccurrence(weekend("UTC"), at("2026-12-01T00:00:00Z"))).toEqual({ start: at("2026-12-04T16:00:00Z"), end: at("2026-12-07T08:00:00Z") });
    expect(nextOccurrence(weekend("UTC"), at("2026-12-04T16:00:00Z"))?.start).toEqual(at("2026-12-11T16:00:00Z"));
  });
});

describe("one-off freeze windows", () => {
  const blackFriday = window({ name: "Black Friday", zone: "Europe/Berlin", rule: { kind: "once", start: "2026-11-27T00:00", end: "2026-11-30T23:59" } });

  it("hold [start, end) in their zone and say until when on its clock", () => {
    expect(activeOccurrence(blackFriday, at("2026-11-26T22:59:59Z"))).toBeNull();
    const [active] = activeFreezes([blackFriday], "shop", at("2026-11-26T23:00:00Z"));
    expect(describeFreeze(active!)).toBe("freeze window 'Black Friday' until 2026-11-30 23:59 Europe/Berlin");
    expect(activeOccurrence(blackFriday, at("2026-11-30T22:59:00Z"))).toBeNull();
    expect(nextOccurrence(blackFriday, at("2026-11-01T00:00:00Z"), 60 * 86_400_000)?.start).toEqual(at("2026-11-26T23:00:00Z"));
  });

  it("apply to their namespaces only, or to every namespace when none are listed", () => {
    const shopOnly = { ...blackFriday, namespaces: ["shop"] };
    expect(activeFreezes([shopOnly], "search", at("2026-11-28T12:00:00Z"))).toEqual([]);
    expect(activeFreezes([shopOnly], "shop", at("2026-11-28T12:00:00Z"))).toHaveLength(1);
  });
});

describe("the freeze window input", () => {
  const fields = (input: unknown) => {
    const parsed = freezeWindowInputSchema.safeParse(input);
    return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
  };
  it("names each bad field", () => {
    expect(fields({ name: "x", zone: "Mars/Olympus", rule: { kind: "weekly", days: ["fri"], at: "16:00", durationMinutes: 60 } })).toEqual({
      zone: "zone must be an IANA time zone such as Europe/Berlin or UTC",
    });
    expect(fields({ name: "x", zone: "UTC", rule: { kind: "weekly", days: ["fry"], at: "25:00", durationMinutes: 20000 } })).toMatchObject({
      "rule.days.0": expect.stringContaining("each day must be one of"),
      "rule.at": 'at must be a time "HH:MM" (e.g. 16:00)',
      "rule.durationMinutes": "durationMinutes must be at most 10080 (a week)",
    });
    expect(fields({ name: "x", zone: "UTC", rule: { kind: "once", start: "2026-02-30T00:00", end: "2026-03-01T00:00" } })).toMatchObject({
      "rule.start": expect.stringContaining("YYYY-MM-DDTHH:MM"),
    });
    expect(fields({ name: "x", zone: "UTC", rule: { kind: "once", start: "2026-03-02T00:00", end: "2026-03-01T00:00" } })).toEqual({
      "rule.end": "end must be after start",
    });
    expect(fields({ name: "x", zone: "UTC", rule: { kind: "daily" } })).toEqual({ "rule.kind": 'rule.kind must be "once" or "weekly"' });
    expect(fields({ zone: "UTC", rule: { kind: "once", start: "2026-03-01T00:00", end: "2026-03-02T00:00" } })).toEqual({ name: "name is required" });
  });
});
