import type { Point } from "@/lib/domain/series";

type Scale = (value: number) => number | undefined;

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * One SVG path for a series: a gap wherever a value is null (no data is never drawn as a line
 * to zero), straight segments, or steps that hold each value until the next point (a weight
 * that was set, not a value that drifted there).
 */
export function linePath(points: readonly Point[], x: Scale, y: Scale, { step = false }: { step?: boolean } = {}): string {
  let d = "";
  let previousY: number | null = null;
  for (const { t, v } of points) {
    const px = v === null ? undefined : x(t);
    const py = v === null ? undefined : y(v);
    if (px === undefined || py === undefined || !Number.isFinite(px) || !Number.isFinite(py)) {
      previousY = null;
      continue;
    }
    const [rx, ry] = [round(px), round(py)];
    if (previousY === null) d += `M${rx},${ry}`;
    else if (step) d += `H${rx}V${ry}`;
    else d += `L${rx},${ry}`;
    previousY = ry;
  }
  return d;
}

/** The index of the row whose time is nearest to `t` (rows sorted by time); -1 when there are none. */
export function nearestRow(rows: readonly { t: number }[], t: number): number {
  if (rows.length === 0) return -1;
  let low = 0;
  let high = rows.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (rows[middle]!.t < t) low = middle + 1;
    else high = middle;
  }
  if (low > 0 && Math.abs(rows[low - 1]!.t - t) <= Math.abs(rows[low]!.t - t)) return low - 1;
  return low;
}
