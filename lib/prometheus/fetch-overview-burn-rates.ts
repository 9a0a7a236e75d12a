import { ratio } from "../domain/series";
import { BURN_WINDOWS, type BurnWindow, type WindowValues } from "../domain/slo";
import type { PrometheusClient } from "./client";
import { anyOfRegex, assertDuration, assertLabelName, labelMatcher, promqlString, tagged, union, vectorSelector } from "./promql";
import { indexVector, seriesKey, vectorOf } from "./results";
import type { VectorResult } from "./schemas";
import { baseMatchers, groupRollouts, NAMESPACE_LABEL, resolveTargets, type ResolvedTargets, type RolloutTargets } from "./selector";
import { PART_LABEL, REQUESTS_METRIC } from "./sli-queries";

export type WindowRatios = { requests: WindowValues; errorRatio: WindowValues };
export type OverviewBurnInputs = { rollout: ResolvedTargets; service: WindowRatios; canary: WindowRatios };

const GROUP_LABEL = "aviary_group";
/**
 * The windows each query covers. Prometheus evaluates the parts of one query one after the
 * other, but separate queries in parallel; two queries keep the count constant and small while
 * the long windows (the costly ones) do not hold up the short ones.
 */
const QUERY_WINDOWS: readonly (readonly BurnWindow[])[] = [
  ["5m", "30m", "1h"],
  ["6h", "3d"],
];
const WINDOW_LABEL = "aviary_window";

/**
 * The error ratio of every rollout over each burn-rate window (5m .. 3d), for the overview's
 * verdict badges: two instant queries whatever the number of rollouts, built like
 * fetchOverviewSlis (regex alternations per group of rollouts sharing a workload label, a
 * superset the code narrows to the pairs asked). Per rollout: the service (stable + canary)
 * and the canary alone.
 */
export async function fetchOverviewBurnRates(
  client: PrometheusClient,
  rollouts: readonly RolloutTargets[],
  { time }: { time?: Date } = {},
): Promise<OverviewBurnInputs[]> {
  return (await fetchBurnRatesWith(client, rollouts, { time, riders: [] })).inputs;
}

/**
 * The same, with `riders`: more tagged expressions sent in the query of the long windows (the
 * analysis loop's burn-condition figures, fetch-burn-conditions.ts), so the loop's burn gates
 * still cost two queries; `answer` holds every series of both answers for the riders' reader.
 */
export async function fetchBurnRatesWith(
  client: PrometheusClient,
  rollouts: readonly RolloutTargets[],
  { time, riders }: { time?: Date; riders: readonly string[] },
): Promise<{ inputs: OverviewBurnInputs[]; answer: VectorResult }> {
  const resolved = rollouts.map((rollout, i) => resolveTargets(rollout, `rollouts.${i}.`));
  if (resolved.length === 0) return { inputs: [], answer: [] };

  const groups = groupRollouts(resolved);
  const partsFor = (windows: readonly BurnWindow[]) =>
    groups.flatMap(({ label, extraMatchers, members }, index) => {
      const matchers = [
        ...baseMatchers({ namespaceMatcher: labelMatcher(NAMESPACE_LABEL, "=~", anyOfRegex(members.map((r) => r.namespace))), extraMatchers }),
        labelMatcher(label, "=~", anyOfRegex(members.flatMap((r) => [r.stable, r.canary]))),
      ];
      return windows.map((window) =>
        tagged(classifiedRequests({ matchers, by: [NAMESPACE_LABEL, label], window }), { [GROUP_LABEL]: String(index), [WINDOW_LABEL]: window }),
      );
    });
  const last = QUERY_WINDOWS.length - 1;
  const answers = await Promise.all(QUERY_WINDOWS.map((windows, i) => client.query(union([...partsFor(windows), ...(i === last ? riders : [])]), { time })));
  const answer = answers.flatMap((data) => vectorOf(data, client.url));

  const values = indexVector(answer, (metric) => {
    const group = groups[Number(metric[GROUP_LABEL])];
    const [window, namespace] = [metric[WINDOW_LABEL], metric[NAMESPACE_LABEL]];
    const value = group ? metric[group.label] : undefined;
    if (window === undefined || namespace === undefined || value === undefined) return undefined;
    return seriesKey(metric[GROUP_LABEL] ?? "", metric[PART_LABEL] === SERVER_ERRORS ? "errors" : "others", window, namespace, value);
  });

  const groupOf = new Map(groups.flatMap((g, index) => g.members.map((member) => [member, String(index)] as const)));
  const inputs = resolved.map((rollout) => {
    const group = groupOf.get(rollout) ?? "";
    const sum = (part: string, window: BurnWindow, workloads: readonly string[]) => {
      const found = workloads.map((w) => values.get(seriesKey(group, part, window, rollout.namespace, w))).filter((v): v is number => typeof v === "number");
      return found.length === 0 ? null : found.reduce((a, b) => a + b, 0);
    };
    const scope = (workloads: readonly string[]): WindowRatios => {
      const perWindow = (fn: (window: BurnWindow) => number | null) => Object.fromEntries(BURN_WINDOWS.map((w) => [w, fn(w)])) as WindowValues;
      const errors = perWindow((w) => sum("errors", w, workloads));
      const others = perWindow((w) => sum("others", w, workloads));
      const requests = perWindow((w) => (errors[w] === null && others[w] === null ? null : (errors[w] ?? 0) + (others[w] ?? 0)));
      // Istio creates the 5xx series at the first error: absent with traffic present means none.
      const errorRatio = perWindow((w) => ratio(errors[w] ?? (requests[w] === null ? null : 0), requests[w]));
      return { requests, errorRatio };
    };
    return { rollout, service: scope([rollout.stable, rollout.canary]), canary: scope([rollout.canary]) };
  });
  return { inputs, answer };
}

const SERVER_ERRORS = "5xx";

/**
 * Requests over the window in one selector, split into 5xx and the rest: label_replace marks
 * the 5xx series (its regex is anchored, like the `=~"5.."` of errorsExpr), and the sum keeps
 * the mark apart. One range selector per window instead of two; with hundreds of workloads in
 * the regex alternations, each selector evaluation is the expensive part of the query.
 */
function classifiedRequests({ matchers, by, window }: { matchers: readonly string[]; by: readonly string[]; window: string }): string {
  const increase = `increase(${vectorSelector(REQUESTS_METRIC, matchers)}[${assertDuration(window)}])`;
  const marked = `label_replace(${increase}, ${promqlString(PART_LABEL)}, ${promqlString(SERVER_ERRORS)}, "response_code", "5..")`;
  return `sum by (${[...by, PART_LABEL].map((name) => assertLabelName(name, "by")).join(", ")}) (${marked})`;
}
