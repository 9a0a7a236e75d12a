/**
 * Pure transforms from Prometheus samples to the series the charts draw. A point's `v` is a
 * finite number or null: NaN (0/0, no traffic) and ±Inf cannot travel through JSON and mean
 * "no answer" to a chart, so both become null and the line shows a gap.
 */

export type Point = { t: number /* unix ms */; v: number | null };
/** Prometheus' wire form: [unix seconds, value as a Go float string]. */
export type RawSample = readonly [number, string];

// Go's strconv.FormatFloat output: plain or exponent notation, never hex or empty.
const GO_FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a sample value as Prometheus writes it; undefined when it is not one. */
export function parseSampleValue(raw: string): number | undefined {
  if (raw === "NaN") return Number.NaN;
  if (raw === "+Inf" || raw === "Inf") return Number.POSITIVE_INFINITY;
  if (raw === "-Inf") return Number.NEGATIVE_INFINITY;
  return GO_FLOAT.test(raw) ? Number(raw) : undefined;
}

export function toPoint([seconds, raw]: RawSample): Point {
  const value = parseSampleValue(raw);
  return { t: Math.round(seconds * 1000), v: value !== undefined && Number.isFinite(value) ? value : null };
}

export function toPoints(values: readonly RawSample[]): Point[] {
  return values.map(toPoint);
}

/** Every timestamp of a range query's grid, in unix ms. */
export function gridTimes({ startMs, endMs, stepMs }: { startMs: number; endMs: number; stepMs: number }): number[] {
  if (!(stepMs > 0)) throw new RangeError(`step must be positive, got ${stepMs}`);
  const times: number[] = [];
  for (let t = startMs; t <= endMs; t += stepMs) times.push(t);
  return times;
}

/**
 * Puts a series on a fixed grid, null where Prometheus returned nothing. Recharts bridges a
 * missing row but breaks the line at a null, and a gap is what "no data" should look like.
 */
export function onGrid(points: readonly Point[], grid: readonly number[]): Point[] {
  const byTime = new Map(points.map((p) => [p.t, p.v]));
  return grid.map((t) => ({ t, v: byTime.get(t) ?? null }));
}

export type Row<K extends string> = { t: number } & Record<K, number | null>;

/** Recharts rows `{ t, canary, stable }` aligned on the union of timestamps; missing -> null. */
export function mergeSeries<K extends string>(series: Record<K, readonly Point[]>): Row<K>[] {
  const names = Object.keys(series) as K[];
  const byName = new Map(names.map((name) => [name, new Map(series[name].map((p) => [p.t, p.v]))]));
  const times = [...new Set(names.flatMap((name) => series[name].map((p) => p.t)))].sort((a, b) => a - b);
  return times.map((t) => {
    const row = { t } as Row<K>;
    for (const name of names) (row as Record<string, number | null>)[name] = byName.get(name)?.get(t) ?? null;
    return row;
  });
}

/**
 * numerator / denominator on the denominator's timestamps. A missing numerator counts as 0 when
 * `missingNumeratorIsZero` (Istio creates the 5xx series on the first error, so "absent" means
 * "none yet"); a missing or zero denominator gives null, never a made-up 0.
 */
export function ratioSeries(
  numerator: readonly Point[],
  denominator: readonly Point[],
  { missingNumeratorIsZero = false }: { missingNumeratorIsZero?: boolean } = {},
): Point[] {
  const top = new Map(numerator.map((p) => [p.t, p.v]));
  return denominator.map(({ t, v: bottom }) => {
    const value = top.has(t) ? (top.get(t) ?? null) : missingNumeratorIsZero ? 0 : null;
    return { t, v: ratio(value, bottom) };
  });
}

/** A finite ratio or null: no traffic means no answer. */
export function ratio(numerator: number | null | undefined, denominator: number | null | undefined): number | null {
  if (numerator === null || numerator === undefined || denominator === null || denominator === undefined) return null;
  if (denominator === 0) return null;
  const value = numerator / denominator;
  return Number.isFinite(value) ? value : null;
}

/**
 * Observed traffic split: canary / (canary + stable). One side missing means it got no requests
 * (0); both missing, or both zero, means nothing to split (null).
 */
export function splitSeries({ canary, stable }: { canary: readonly Point[]; stable: readonly Point[] }): Point[] {
  return mergeSeries({ canary, stable }).map(({ t, canary: c, stable: s }) => ({ t, v: trafficSplit(c, s) }));
}

export function trafficSplit(canaryRate: number | null, stableRate: number | null): number | null {
  if (canaryRate === null && stableRate === null) return null;
  return ratio(canaryRate ?? 0, (canaryRate ?? 0) + (stableRate ?? 0));
}

/**
 * Guard for series that would exceed what a chart can use (the Prometheus step should already
 * keep them near one point per pixel). Consecutive points are bucketed; each bucket keeps its
 * first timestamp and, by default, its maximum, so an error spike is never averaged away.
 */
export function downsample(points: readonly Point[], maxPoints: number, { keep = "max" }: { keep?: "max" | "mean" } = {}): Point[] {
  if (!(maxPoints >= 1)) throw new RangeError(`maxPoints must be at least 1, got ${maxPoints}`);
  if (points.length <= maxPoints) return [...points];
  const size = Math.ceil(points.length / maxPoints);
  const result: Point[] = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size);
    const values = bucket.map((p) => p.v).filter((v): v is number => v !== null);
    const v = values.length === 0 ? null : keep === "max" ? Math.max(...values) : values.reduce((a, b) => a + b, 0) / values.length;
    result.push({ t: bucket[0]?.t ?? 0, v });
  }
  return result;
}
