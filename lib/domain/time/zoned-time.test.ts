import { describe, expect, it } from "vitest";
import { parseDateBound } from "../audit/filter-fields";
import { isTimeZone, wallTimeToInstant, zoneOffsetMs } from "./zoned-time";

describe("wall time in a zone", () => {
  it("knows zones", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
  });

  it("converts with the offset in force on that day", () => {
    expect(wallTimeToInstant({ year: 2026, month: 1, day: 15 }, "Europe/Berlin").toISOString()).toBe("2026-01-14T23:00:00.000Z");
    expect(wallTimeToInstant({ year: 2026, month: 7, day: 15 }, "Europe/Berlin").toISOString()).toBe("2026-07-14T22:00:00.000Z");
    expect(wallTimeToInstant({ year: 2026, month: 7, day: 15, hour: 9, minute: 30 }, "America/New_York").toISOString()).toBe("2026-07-15T13:30:00.000Z");
    expect(wallTimeToInstant({ year: 2026, month: 3, day: 1 }, "Asia/Kolkata").toISOString()).toBe("2026-02-28T18:30:00.000Z");
    expect(zoneOffsetMs(Date.parse("2026-07-01T00:00:00Z"), "UTC")).toBe(0);
  });

  it("handles the daylight-saving days", () => {
    // Berlin springs forward on 2026-03-29 at 02:00 and falls back on 2026-10-25 at 03:00.
    expect(wallTimeToInstant({ year: 2026, month: 3, day: 29, hour: 12 }, "Europe/Berlin").toISOString()).toBe("2026-03-29T10:00:00.000Z");
    expect(wallTimeToInstant({ year: 2026, month: 10, day: 25, hour: 12 }, "Europe/Berlin").toISOString()).toBe("2026-10-25T11:00:00.000Z");
    const from = parseDateBound("2026-03-29", "from", "Europe/Berlin") as Date;
    const to = parseDateBound("2026-03-29", "to", "Europe/Berlin") as Date;
    expect((to.getTime() - from.getTime()) / 3_600_000).toBe(23);
  });
});

describe("parseDateBound", () => {
  it("makes both ends inclusive as the reader means them", () => {
    expect((parseDateBound("2026-03-31", "to", "UTC") as Date).toISOString()).toBe("2026-04-01T00:00:00.000Z");
    expect((parseDateBound("2026-12-31", "to", "UTC") as Date).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect((parseDateBound("2026-03-31T14:00", "to", "UTC") as Date).toISOString()).toBe("2026-03-31T14:01:00.000Z");
    expect((parseDateBound("2026-03-31T14:00:00+02:00", "from", "Asia/Tokyo") as Date).toISOString()).toBe("2026-03-31T12:00:00.000Z");
  });

  it.each(["2026-02-30", "2026-13-01", "2026-1-1", "31/03/2026", "2026-03-31T25:00", "now", "2026-03-31T14:00:00"])("refuses %j", (value) => {
    expect(typeof parseDateBound(value, "from", "UTC")).toBe("string");
  });
});
