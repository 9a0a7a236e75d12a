import { describe, expect, it } from "vitest";
import { formatBurn, formatFullTime, formatMs, formatPercent, formatRps, formatTick, formatTickTime, timeTicks, valueTicks } from "@/components/charts/format";

describe("chart formats", () => {
  it("gives every value its unit, and an en dash for no answer", () => {
    expect([formatPercent(0.05), formatPercent(0.001), formatPercent(0.25), formatPercent(0), formatPercent(null)]).toEqual(["5.0%", "0.1%", "25%", "0%", "–"]);
    expect([formatMs(193.75), formatMs(4.25), formatMs(12_500), formatMs(undefined)]).toEqual(["194 ms", "4.3 ms", "12.5 s", "–"]);
    expect([formatRps(2), formatRps(10), formatRps(1234)]).toEqual(["2.00 req/s", "10.0 req/s", "1234 req/s"]);
    expect([formatBurn(50), formatBurn(9.1667), formatBurn(0.5)]).toEqual(["50×", "9.2×", "0.50×"]);
    expect([formatTick("ms", 1000), formatTick("ms", 250), formatTick("percent", 0.045), formatTick("rps", 12)]).toEqual([
      "1,000 ms",
      "250 ms",
      "4.5%",
      "12/s",
    ]);
  });

  it("writes times in the viewer's zone, with the zone in full times", () => {
    const t = Date.UTC(2030, 0, 1, 12, 5, 30);
    expect(formatTickTime(t, "UTC", 3_600_000)).toBe("12:05");
    expect(formatTickTime(t, "Europe/Berlin", 3_600_000)).toBe("13:05");
    expect(formatTickTime(t, "UTC", 3 * 86_400_000)).toBe("01 Jan, 12:05");
    expect(formatFullTime(t, "UTC")).toBe("01 Jan, 12:05:30 UTC");
  });

  it("puts ticks on round times, at most six", () => {
    const start = Date.UTC(2030, 0, 1, 12, 3);
    expect(timeTicks([start, start + 3_600_000]).map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      "12:10",
      "12:20",
      "12:30",
      "12:40",
      "12:50",
      "13:00",
    ]);
    expect(timeTicks([start, start + 86_400_000]).length).toBeLessThanOrEqual(6);
  });
});

describe("valueTicks", () => {
  it("divides a round top into round steps, at least three", () => {
    expect(valueTicks(0.5)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(valueTicks(1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(valueTicks(1.5)).toEqual([0, 0.5, 1, 1.5]);
    expect(valueTicks(0.15)).toEqual([0, 0.05, 0.1, 0.15]);
    expect(valueTicks(250)).toEqual([0, 50, 100, 150, 200, 250]);
    expect(valueTicks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(valueTicks(300)).toEqual([0, 100, 200, 300]);
    expect(valueTicks(0)).toEqual([0]);
  });
});
