import { ratio, trafficSplit } from "../domain/series";
import type { PrometheusClient } from "./client";
import { anyOfRegex, assertDuration, labelMatcher, tagged, union } from "./promql";
import { indexVector, seriesKey, vectorOf } from "./results";
import { baseMatchers, groupRollouts, NAMESPACE_LABEL, resolveTargets, type ResolvedTargets, type RolloutTargets } from "./selector";
import { errorsExpr, PART_LABEL, quantileExpr, requestsExpr } from "./sli-queries";
import type { WorkloadSlis } from "../contracts/slis";

export type OverviewSlis = { rollout: ResolvedTargets; canary: WorkloadSlis; stable: WorkloadSlis; split: number | null };

const GROUP_LABEL = "aviary_group";

/**
 * Current SLIs for every rollout on the overview, in two instant queries whatever their number:
 * rollouts sharing a workload label (and extra matchers) form one group selected by regex
 * alternations of their escaped namespaces and values; the groups' parts are `or`-ed together.
 * The regexes select a superset (every namespace x every value); the code keeps only the pairs asked.
 */
export async function fetchOverviewSlis(
  client: PrometheusClient,
  rollouts: readonly RolloutTargets[],
  { window = "5m", time }: { window?: string; time?: Date } = {},
): Promise<OverviewSlis[]> {
  const resolved = rollouts.map((rollout, i) => resolveTargets(rollout, `rollouts.${i}.`));
  if (resolved.length === 0) return [];
  assertDuration(window, "window");

  const groups = groupRollouts(resolved);
  const trafficParts: string[] = [];
  const latencyParts: string[] = [];
  groups.forEach(({ label, extraMatchers, members }, index) => {
    const matchers = [
      ...baseMatchers({ namespaceMatcher: labelMatcher(NAMESPACE_LABEL, "=~", anyOfRegex(members.map((r) => r.namespace))), extraMatchers }),
      labelMatcher(label, "=~", anyOfRegex(members.flatMap((r) => [r.stable, r.canary]))),
    ];
    const grouped = { matchers, by: [NAMESPACE_LABEL, label], window };
    const tag = (part: string) => ({ [PART_LABEL]: part, [GROUP_LABEL]: String(index) });
    trafficParts.push(tagged(requestsExpr(grouped), tag("requests")), tagged(errorsExpr(grouped), tag("errors")));
    latencyParts.push(tagged(quantileExpr({ ...grouped, q: 0.95 }), tag("p95")));
  });

  const [traffic, latency] = await Promise.all([client.query(union(trafficParts), { time }), client.query(union(latencyParts), { time })]);
  const keyOf = (metric: Record<string, string>) => {
    const group = groups[Number(metric[GROUP_LABEL])];
    const part = metric[PART_LABEL];
    const namespace = metric[NAMESPACE_LABEL];
    const value = group ? metric[group.label] : undefined;
    if (part === undefined || namespace === undefined || value === undefined) return undefined;
    return seriesKey(metric[GROUP_LABEL] ?? "", part, namespace, value);
  };
  const values = new Map([...indexVector(vectorOf(traffic, client.url), keyOf), ...indexVector(vectorOf(latency, client.url), keyOf)]);

  const groupOf = new Map(groups.flatMap((g, index) => g.members.map((member) => [member, String(index)] as const)));
  return resolved.map((rollout) => {
    const group = groupOf.get(rollout) ?? "";
    const slis = (value: string): WorkloadSlis => {
      const get = (part: string) => values.get(seriesKey(group, part, rollout.namespace, value));
      const requestRate = get("requests") ?? null;
      // No 5xx series yet with traffic present means no errors, not unknown.
      const errors = get("errors") ?? (requestRate === null ? null : 0);
      return { errorRate: ratio(errors, requestRate), p95Ms: get("p95") ?? null, requestRate };
    };
    const canary = slis(rollout.canary);
    const stable = slis(rollout.stable);
    return { rollout, canary, stable, split: trafficSplit(canary.requestRate, stable.requestRate) };
  });
}
