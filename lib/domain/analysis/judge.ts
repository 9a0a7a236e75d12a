import { mannWhitney } from "./mann-whitney";
import { mean, median } from "./stats";

/**
 * A statistical judge of canary against stable, after Kayenta's NetflixACAJudge: each metric's
 * canary and stable samples are compared with a Mann-Whitney U test, classified High, Low, Pass
 * or Nodata, and the classifications are scored 0-100.
 *
 * As in Kayenta's MannWhitneyClassifier, a metric is High when the lower end of the confidence
 * interval of the shift (canary - stable, Hodges-Lehmann) is above the bound, Low when the upper
 * end is below minus the bound, and `direction` says which of the two count; the bound is Kayenta's,
 * tolerance x |estimate| (a fraction of the estimated shift: the interval must sit clear of zero
 * by that margin, so a shift must be both significant and measured precisely relative to its own
 * size). Kayenta's defaults are kept: tolerance 0.25, confidence 0.98, pass 95, marginal 75; a
 * critical metric that is not Pass fails the whole judgement with score 0, and Nodata metrics
 * count in neither the passed nor the total weight (WeightedSumScorer).
 */

export type Classification = "High" | "Low" | "Pass" | "Nodata";
export type Direction = "increase" | "decrease" | "either";
export type ScoreClass = "Pass" | "Marginal" | "Fail" | "Nodata";

export type MetricSpec = { name: string; direction: Direction; critical: boolean; weight: number; unit?: string; tolerance?: number };
export type Samples = { canary: readonly number[]; stable: readonly number[] };

export type MetricResult = {
  name: string;
  classification: Classification;
  critical: boolean;
  weight: number;
  canaryMedian: number | null;
  stableMedian: number | null;
  /** mean(canary) / mean(stable), Kayenta's "ratio"; null when stable's mean is 0. */
  ratio: number | null;
  /** Hodges-Lehmann shift canary - stable and its interval; null when not computed. */
  estimate: number | null;
  interval: [number, number] | null;
  bound: number | null;
  pValue: number | null;
  sentence: string;
};

export type JudgeResult = {
  score: number;
  classification: ScoreClass;
  /** The first critical metric that was not Pass, which zeroes the score. */
  criticalFailure: string | null;
  metrics: MetricResult[];
  reason: string;
};

export type JudgeOptions = { tolerance: number; confidence: number; passScore: number; marginalScore: number; minSamples: number };

const finite = (values: readonly number[]) => values.filter((v) => Number.isFinite(v));

function formatValue(value: number, unit?: string): string {
  const rounded = Math.abs(value) >= 100 ? Math.round(value).toString() : Number(value.toPrecision(3)).toString();
  return unit ? `${rounded} ${unit}` : rounded;
}

export function classifyMetric(
  spec: MetricSpec,
  samples: Samples,
  { tolerance: judgeTolerance, confidence, minSamples }: Pick<JudgeOptions, "tolerance" | "confidence" | "minSamples">,
): MetricResult {
  const canary = finite(samples.canary);
  const stable = finite(samples.stable);
  const tolerance = spec.tolerance ?? judgeTolerance;
  const base = { name: spec.name, critical: spec.critical, weight: spec.weight };
  const canaryMedian = canary.length > 0 ? median(canary) : null;
  const stableMedian = stable.length > 0 ? median(stable) : null;
  const ratio = stable.length > 0 && canary.length > 0 && mean(stable) !== 0 ? mean(canary) / mean(stable) : null;
  const none = { estimate: null, interval: null, bound: null, pValue: null } as const;

  if (canary.length < minSamples || stable.length < minSamples) {
    return {
      ...base,
      ...none,
      canaryMedian,
      stableMedian,
      ratio,
      classification: "Nodata",
      sentence: `canary ${spec.name}: ${canary.length} canary and ${stable.length} stable samples, ${minSamples} needed on each side -> Nodata`,
    };
  }
  const said = `canary ${spec.name} ${formatValue(canaryMedian ?? 0, spec.unit)} vs ${formatValue(stableMedian ?? 0, spec.unit)} stable`;
  if (new Set([...canary, ...stable]).size === 1) {
    return { ...base, ...none, canaryMedian, stableMedian, ratio, classification: "Pass", sentence: `${said}: every sample is the same -> Pass` };
  }

  const test = mannWhitney(canary, stable, { confidence });
  const bound = tolerance * Math.abs(test.estimate);
  const [low, high] = test.interval;
  const high_ = (spec.direction === "increase" || spec.direction === "either") && low > bound;
  const low_ = (spec.direction === "decrease" || spec.direction === "either") && high < -bound;
  const classification: Classification = high_ ? "High" : low_ ? "Low" : "Pass";
  const pct = `${Math.round(tolerance * 100)}%`;
  const conf = `${Number((confidence * 100).toPrecision(4))}% confidence`;
  const ci = `shift ${formatValue(test.estimate, spec.unit)}, interval ${formatValue(low, spec.unit)} to ${formatValue(high, spec.unit)}`;
  const sentence =
    classification === "High"
      ? `${said}: higher, the whole interval at ${conf} clears ${pct} of the shift (${ci}) -> High`
      : classification === "Low"
        ? `${said}: lower, the whole interval at ${conf} clears ${pct} of the shift (${ci}) -> Low`
        : `${said}: not ${spec.direction === "decrease" ? "lower" : spec.direction === "increase" ? "higher" : "different"} with the interval at ${conf} clear of ${pct} of the shift (${ci}) -> Pass`;
  return { ...base, canaryMedian, stableMedian, ratio, estimate: test.estimate, interval: [low, high], bound, pValue: test.pValue, classification, sentence };
}

/** Kayenta's score: passed weight / classified weight x 100; a critical failure scores 0. */
export function scoreMetrics(metrics: readonly MetricResult[], { passScore, marginalScore }: Pick<JudgeOptions, "passScore" | "marginalScore">) {
  const critical = metrics.find((m) => m.critical && m.classification !== "Pass");
  const classified = metrics.filter((m) => m.classification !== "Nodata");
  const total = classified.reduce((s, m) => s + m.weight, 0);
  const passed = classified.filter((m) => m.classification === "Pass").reduce((s, m) => s + m.weight, 0);
  if (critical) {
    return {
      score: 0,
      classification: "Fail" as const,
      criticalFailure: critical.name,
      reason: `critical metric ${critical.name} is ${critical.classification}: score 0`,
    };
  }
  if (total === 0) return { score: 0, classification: "Nodata" as const, criticalFailure: null, reason: "no metric had enough data to judge" };
  const score = (passed / total) * 100;
  const classification: ScoreClass = score >= passScore ? "Pass" : score >= marginalScore ? "Marginal" : "Fail";
  const shown = Math.round(score * 10) / 10;
  return {
    score,
    classification,
    criticalFailure: null,
    reason: `score ${shown} (${classified.filter((m) => m.classification === "Pass").length} of ${classified.length} metrics pass; pass at ${passScore}, marginal at ${marginalScore}) -> ${classification}`,
  };
}

export function judge(specs: readonly MetricSpec[], samples: Readonly<Record<string, Samples | undefined>>, options: JudgeOptions): JudgeResult {
  const metrics = specs.map((spec) => classifyMetric(spec, samples[spec.name] ?? { canary: [], stable: [] }, options));
  return { ...scoreMetrics(metrics, options), metrics };
}
