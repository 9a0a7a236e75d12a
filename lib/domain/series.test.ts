import { describe, expect, it } from "vitest";
import { downsample, gridTimes, mergeSeries, onGrid, parseSampleValue, ratioSeries, splitSeries, toPoints, type Point } from "./series";

const pts = (...pairs: [number, number | null][]): Point[] => pairs.map(([t, v]) => ({ t, v }));

describe("Prometheus samples to points", () => {
  it("parses Go float strings, including the special values", () => {
    expect(parseSampleValue("0.25")).toBe(0.25);
    expect(parseSampleValue("1e+06")).toBe(1_000_000);
    expect(parseSampleValue("-3.5e-2")).toBe(-0.035);
    expect(parseSampleValue("NaN")).toBeNaN();
    expect(parseSampleValue("+Inf")).toBe(Infinity);
    expect(parseSampleValue("-Inf")).toBe(-Infinity);
  });

  it("rejects what Number() would quietly accept", () => {
    for (const raw of ["", " ", "0x10", "Infinity", "1,5", "abc", "1e"]) expect(parseSampleValue(raw)).toBeUndefined();
  });

  it("turns [seconds, string] into unix ms and null for values a chart cannot draw", () => {
    expect(
      toPoints([
        [1700000000, "1.5"],
        [1700000015.5, "NaN"],
        [1700000030, "+Inf"],
        [1700000045, "garbage"],
      ]),
    ).toEqual(pts([1700000000000, 1.5], [1700000015500, null], [1700000030000, null], [1700000045000, null]));
  });
});

describe("grids and merging", () => {
  it("lists a range query's timestamps, ends included", () => {
    expect(gridTimes({ startMs: 0, endMs: 60_000, stepMs: 30_000 })).toEqual([0, 30_000, 60_000]);
    expect(() => gridTimes({ startMs: 0, endMs: 1, stepMs: 0 })).toThrow(RangeError);
  });

  it("fills the grid with null where Prometheus returned nothing", () => {
    expect(onGrid(pts([0, 1], [2000, 3]), [0, 1000, 2000])).toEqual(pts([0, 1], [1000, null], [2000, 3]));
  });

  it("aligns canary and stable rows on the union of timestamps", () => {
    const rows = mergeSeries({ canary: pts([2000, 0.2], [1000, 0.1]), stable: pts([1000, 1], [3000, null]) });
    expect(rows).toEqual([
      { t: 1000, canary: 0.1, stable: 1 },
      { t: 2000, canary: 0.2, stable: null },
      { t: 3000, canary: null, stable: null },
    ]);
  });
});

describe("ratios", () => {
  it("divides on the denominator's timestamps and never invents a value for no traffic", () => {
    const errors = pts([0, 1], [1000, 2]);
    const requests = pts([0, 10], [1000, 0], [2000, 5], [3000, null]);
    // 1/10 = 0.1; 2/0 -> null; 5 requests and no error sample -> null unless told missing means 0
    expect(ratioSeries(errors, requests)).toEqual(pts([0, 0.1], [1000, null], [2000, null], [3000, null]));
    expect(ratioSeries(errors, requests, { missingNumeratorIsZero: true })).toEqual(pts([0, 0.1], [1000, null], [2000, 0], [3000, null]));
  });

  it("keeps an explicit null numerator null", () => {
    expect(ratioSeries(pts([0, null]), pts([0, 4]), { missingNumeratorIsZero: true })).toEqual(pts([0, null]));
  });

  it("computes the observed split from canary and stable rates", () => {
    // 2 / (2 + 10) = 0.1667; canary absent -> 0; stable absent -> 1; neither -> null; both 0 -> null
    const canary = pts([0, 2], [2000, 3], [4000, 0]);
    const stable = pts([0, 10], [1000, 4], [4000, 0]);
    expect(splitSeries({ canary, stable })).toEqual(pts([0, 2 / 12], [1000, 0], [2000, 1], [4000, null]));
  });
});

describe("downsample guard", () => {
  const series = pts([0, 1], [1, 9], [2, null], [3, 2], [4, 4], [5, null], [6, null]);

  it("leaves short series alone", () => {
    expect(downsample(series, 10)).toEqual(series);
  });

  it("keeps each bucket's peak by default so spikes survive", () => {
    // buckets of ceil(7/3) = 3: [1,9,null] [2,4,null] [null]
    expect(downsample(series, 3)).toEqual(pts([0, 9], [3, 4], [6, null]));
  });

  it("can average instead", () => {
    expect(downsample(series, 3, { keep: "mean" })).toEqual(pts([0, 5], [3, 3], [6, null]));
  });

  it("refuses a nonsensical budget", () => {
    expect(() => downsample(series, 0)).toThrow(RangeError);
  });
});
