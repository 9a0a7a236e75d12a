import { describe, expect, it } from "vitest";
import { linePath, nearestRow } from "@/components/charts/line-path";

const x = (t: number) => t * 10;
const y = (v: number) => 100 - v;

describe("linePath", () => {
  it("draws straight segments and breaks the line at every gap instead of drawing to zero", () => {
    const points = [
      { t: 0, v: 10 },
      { t: 1, v: 20 },
      { t: 2, v: null },
      { t: 3, v: 30 },
      { t: 4, v: 40 },
    ];
    expect(linePath(points, x, y)).toBe("M0,90L10,80M30,70L40,60");
  });

  it("holds each value until the next point for a step series", () => {
    expect(
      linePath(
        [
          { t: 0, v: 5 },
          { t: 2, v: 25 },
          { t: 5, v: 25 },
        ],
        x,
        y,
        { step: true },
      ),
    ).toBe("M0,95H20V75H50V75");
  });

  it("skips points the scale cannot place", () => {
    expect(
      linePath(
        [
          { t: 0, v: 1 },
          { t: 1, v: 2 },
        ],
        () => undefined,
        y,
      ),
    ).toBe("");
  });
});

describe("nearestRow", () => {
  const rows = [{ t: 0 }, { t: 10 }, { t: 20 }];
  it("finds the row nearest in time, at either end too", () => {
    expect([nearestRow(rows, -5), nearestRow(rows, 4), nearestRow(rows, 6), nearestRow(rows, 15), nearestRow(rows, 99)]).toEqual([0, 0, 1, 1, 2]);
    expect(nearestRow([], 3)).toBe(-1);
  });
});
