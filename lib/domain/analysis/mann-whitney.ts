import { median, normalCdf, normalQuantile } from "./stats";

/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) with the Hodges-Lehmann estimate of the shift
 * x - y and its confidence interval, computed as R's wilcox.test(x, y, conf.int = TRUE) does,
 * which is also what Kayenta's MannWhitney ports: exact when both samples are under 50 and have
 * no ties, otherwise the normal approximation with tie and continuity corrections, the interval
 * being where the standardized statistic of (x - d, y) crosses ±z.
 */

export type MannWhitneyResult = {
  /** U of x: the number of pairs (xi, yj) with xi > yj, ties counting one half. */
  u: number;
  /** Two-sided p-value of "no shift". */
  pValue: number;
  /** Hodges-Lehmann estimate of the location shift x - y. */
  estimate: number;
  interval: [number, number];
  /** The interval's actual coverage: the exact method cannot hit the level exactly. */
  achievedConfidence: number;
  method: "exact" | "normal";
};

/** Ranks 1..n with ties given their average rank, and the sizes of the tie groups. */
export function rank(values: readonly number[]): { ranks: number[]; ties: number[] } {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length).fill(0);
  const ties: number[] = [];
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.value === order[start]?.value) end++;
    const average = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) ranks[order[i]?.index ?? 0] = average;
    ties.push(end - start + 1);
    start = end + 1;
  }
  return { ranks, ties };
}

/** Frequencies of U for sizes m and n without ties: coefficients of the Gaussian binomial [m+n, m]. */
function uFrequencies(m: number, n: number): number[] {
  let poly = [1];
  for (let i = 1; i <= m; i++) {
    const times = new Array<number>(poly.length + n + i).fill(0);
    poly.forEach((c, k) => {
      times[k] = (times[k] ?? 0) + c;
      times[k + n + i] = (times[k + n + i] ?? 0) - c;
    });
    // Divide by (1 - q^i): a running sum with stride i.
    for (let k = i; k < times.length; k++) times[k] = (times[k] ?? 0) + (times[k - i] ?? 0);
    poly = times.slice(0, m * n + 1);
  }
  return poly;
}

function cumulative(freq: readonly number[]): number[] {
  const total = freq.reduce((s, c) => s + c, 0);
  let running = 0;
  return freq.map((c) => (running += c) / total);
}

const sign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);

function sigma(nx: number, ny: number, ties: readonly number[]): number {
  const tieTerm = ties.reduce((s, t) => s + t ** 3 - t, 0) / ((nx + ny) * (nx + ny - 1));
  return Math.sqrt(((nx * ny) / 12) * (nx + ny + 1 - tieTerm));
}

function uOf(x: readonly number[], y: readonly number[]): { u: number; ties: number[] } {
  const { ranks, ties } = rank([...x, ...y]);
  const rankSum = ranks.slice(0, x.length).reduce((s, r) => s + r, 0);
  return { u: rankSum - (x.length * (x.length + 1)) / 2, ties };
}

/** Standardized, continuity-corrected statistic of (x - d, y) minus zq: decreasing in d. */
function wdiff(x: readonly number[], y: readonly number[], d: number, zq: number): number {
  const { u, ties } = uOf(
    x.map((v) => v - d),
    y,
  );
  const dz = u - (x.length * y.length) / 2;
  const s = sigma(x.length, y.length, ties);
  if (s === 0) return -zq;
  return (dz - sign(dz) * 0.5) / s - zq;
}

function root(f: (d: number) => number, low: number, high: number): number {
  if (f(low) <= 0) return low;
  if (f(high) >= 0) return high;
  let lo = low;
  let hi = high;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo), Math.abs(hi)); i++) {
    const mid = (lo + hi) / 2;
    const value = f(mid);
    if (value === 0) return mid;
    if (value > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function mannWhitney(x: readonly number[], y: readonly number[], { confidence = 0.95 }: { confidence?: number } = {}): MannWhitneyResult {
  if (x.length === 0 || y.length === 0) throw new RangeError("both samples need at least one value");
  const nx = x.length;
  const ny = y.length;
  const { u, ties } = uOf(x, y);
  const alpha = 1 - confidence;
  const hasTies = ties.some((t) => t > 1);

  if (nx < 50 && ny < 50 && !hasTies) {
    const cdf = cumulative(uFrequencies(nx, ny));
    const pAtMost = (q: number) => (q < 0 ? 0 : (cdf[Math.min(q, cdf.length - 1)] ?? 1));
    const pValue = Math.min(1, 2 * Math.min(pAtMost(u), 1 - pAtMost(u - 1)));
    const diffs = x.flatMap((xi) => y.map((yj) => xi - yj)).sort((a, b) => a - b);
    // R: qu = qwilcox(alpha/2), the smallest q with P(U <= q) >= alpha/2 (at least 1).
    let qu = cdf.findIndex((p) => p >= alpha / 2 - 1e-12);
    if (qu <= 0) qu = 1;
    const ql = nx * ny - qu;
    return {
      u,
      pValue,
      estimate: median(diffs),
      interval: [diffs[qu - 1] ?? Number.NaN, diffs[ql] ?? Number.NaN],
      achievedConfidence: 1 - 2 * pAtMost(qu - 1),
      method: "exact",
    };
  }

  const z = u - (nx * ny) / 2;
  const s = sigma(nx, ny, ties);
  const zc = s === 0 ? 0 : (z - sign(z) * 0.5) / s;
  const pValue = Math.min(1, 2 * Math.min(normalCdf(zc), 1 - normalCdf(zc)));
  const muMin = Math.min(...x) - Math.max(...y);
  const muMax = Math.max(...x) - Math.min(...y);
  const zq = normalQuantile(1 - alpha / 2);
  const lower = root((d) => wdiff(x, y, d, zq), muMin, muMax);
  const upper = root((d) => wdiff(x, y, d, -zq), muMin, muMax);
  const estimate = root((d) => wdiff(x, y, d, 0), muMin, muMax);
  return { u, pValue, estimate, interval: [lower, upper], achievedConfidence: confidence, method: "normal" };
}
