import { assertDuration, assertLabelName, labelMatcher, regexEscape, vectorSelector } from "./promql";

/**
 * PromQL for the SLIs, on Istio's standard metrics. Each builder returns one expression grouped
 * `by` the given labels, so one query answers for stable and canary (or for every rollout of
 * the overview) and the code splits the result.
 */

export const REQUESTS_METRIC = "istio_requests_total";
export const DURATION_BUCKET_METRIC = "istio_request_duration_milliseconds_bucket";
/** The label the queries add to tell their parts apart in one `or`-ed answer. */
export const PART_LABEL = "aviary_part";

export type GroupedOptions = { matchers: readonly string[]; by: readonly string[]; window: string };
/**
 * `rate` per second, `increase` in the window (extrapolated to its edges, so fractional), or
 * `counted`: the counters' exact growth, for tests that need whole counts. increase() scales the
 * samples' growth up to the window (x1.33 for a 20 s window of 5 s scrapes, whenever an
 * evaluation follows a scrape), so 2 real errors read as 2.67 and round to 3: enough to fail a
 * binomial test that 2 would pass. `counted` is the value now minus the value a window ago, per
 * series: a series too young to have a value then counts whole (Envoy's counters start at 0 with
 * the series), and a series whose counter reset in the window counts nothing rather than garbage.
 */
type Counting = "rate" | "increase" | "counted";

function sumBy(by: readonly string[], inner: string): string {
  return `sum by (${by.map((name) => assertLabelName(name, "by")).join(", ")}) (${inner})`;
}

function ranged(fn: Counting, metric: string, matchers: readonly string[], window: string): string {
  const selector = vectorSelector(metric, matchers);
  const range = assertDuration(window);
  if (fn !== "counted") return `${fn}(${selector}[${range}])`;
  const then = `${selector} offset ${range}`;
  return `(clamp_min(${selector} - ${then}, 0) or (${selector} unless ${then})) unless resets(${selector}[${range}]) > 0`;
}

/** Requests per second (rate) or requests in the window (increase). */
export function requestsExpr({ matchers, by, window, fn = "rate" }: GroupedOptions & { fn?: Counting }): string {
  return sumBy(by, ranged(fn, REQUESTS_METRIC, matchers, window));
}

/** When each workload's request series were last scraped (Unix seconds): the analysis loop waits for fresh data. */
export function newestSampleExpr({ matchers, by }: Omit<GroupedOptions, "window">): string {
  return `max by (${by.map((name) => assertLabelName(name, "by")).join(", ")}) (timestamp(${vectorSelector(REQUESTS_METRIC, matchers)}))`;
}

/**
 * 5xx only. Istio creates a response_code series at its first request, so a healthy workload may
 * have no 5xx series at all: callers read "absent" as 0 when the request count is present.
 */
export function errorsExpr({ matchers, by, window, fn = "rate" }: GroupedOptions & { fn?: Counting }): string {
  return sumBy(by, ranged(fn, REQUESTS_METRIC, [...matchers, labelMatcher("response_code", "=~", "5..")], window));
}

/**
 * The share of requests that were 5xx, in percent, over whole counts (`counted`): the error gate's
 * value as one expression, so the query a page shows returns the number the gate stored. A
 * workload with requests but no 5xx series yet reads 0, not nothing: the `or` adds its series at 0
 * from a plain selector (one selector evaluation, where a second `counted` would be five; the
 * 5xx counts are the costly part of the loop's queries at hundreds of rollouts).
 */
export function errorPercentExpr({ matchers, by, window }: GroupedOptions): string {
  const all = ranged("counted", REQUESTS_METRIC, matchers, window);
  const errors = ranged("counted", REQUESTS_METRIC, [...matchers, labelMatcher("response_code", "=~", "5..")], window);
  return `100 * ${sumBy(by, `(${errors}) or ${vectorSelector(REQUESTS_METRIC, matchers)} * 0`)} / ${sumBy(by, all)}`;
}

/**
 * One rollout's canary share of the requests both its workloads served, in percent, from whole
 * counts: the split gate's value. It pairs two workloads, so it is built per rollout (`canary`
 * and `both` are the workload-label matchers); a canary with no series yet reads 0.
 */
export function canarySharePercentExpr({
  matchers,
  canary,
  both,
  window,
}: {
  matchers: readonly string[];
  canary: string;
  both: string;
  window: string;
}): string {
  const count = (workloads: string) => `sum(${ranged("counted", REQUESTS_METRIC, [...matchers, workloads], window)})`;
  return `100 * (${count(canary)} or vector(0)) / ${count(both)}`;
}

/** Requests per second over the window, from whole counts: the request-rate gate's value. */
export function requestRateExpr({ matchers, by, window, seconds }: GroupedOptions & { seconds: number }): string {
  if (!(seconds > 0)) throw new RangeError(`seconds must be positive, got ${seconds}`);
  return `${requestsExpr({ matchers, by, window, fn: "counted" })} / ${seconds}`;
}

/** histogram_quantile over the summed bucket rates: linear interpolation inside the bucket. */
export function quantileExpr({ q, matchers, by, window }: GroupedOptions & { q: number }): string {
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile must be between 0 and 1, got ${q}`);
  return `histogram_quantile(${q}, ${sumBy(["le", ...by], ranged("rate", DURATION_BUCKET_METRIC, matchers, window))})`;
}

/**
 * Per-`le` counts of the bucket at `boundMs` and of +Inf (all requests), for the slow share
 * 1 - bucket/+Inf. `le` is matched in every spelling exporters and Prometheus versions use
 * ("500", "500.0", "3.6e+06"), and the code compares it as a number.
 */
export function latencyBucketsExpr({ boundMs, matchers, by, window, fn = "rate" }: GroupedOptions & { boundMs: number; fn?: Counting }): string {
  const le = labelMatcher("le", "=~", [...leSpellings(boundMs), "+Inf"].map(regexEscape).join("|"));
  return sumBy(["le", ...by], ranged(fn, DURATION_BUCKET_METRIC, [...matchers, le], window));
}

export function leSpellings(bound: number): string[] {
  const plain = String(bound);
  const [mantissa = plain, exponent = "0"] = bound.toExponential().split("e");
  const sign = exponent.startsWith("-") ? "-" : "+";
  const goExponent = `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
  return [...new Set([plain, Number.isInteger(bound) ? `${plain}.0` : plain, goExponent])];
}

/** Reads an `le` label back as a number ("+Inf" included); NaN for anything else. */
export function parseLe(le: string | undefined): number {
  if (le === "+Inf") return Number.POSITIVE_INFINITY;
  return le === undefined || le.trim() === "" ? Number.NaN : Number(le);
}
