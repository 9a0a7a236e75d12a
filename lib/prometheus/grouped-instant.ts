import type { PrometheusClient } from "./client";
import { anyOfRegex, assertDuration, labelMatcher, tagged, union } from "./promql";
import { indexVector, seriesKey, vectorOf } from "./results";
import { baseMatchers, groupRollouts, NAMESPACE_LABEL, resolveTargets, type ResolvedTargets, type RolloutTargets } from "./selector";
import { PART_LABEL, type GroupedOptions } from "./sli-queries";

const GROUP_LABEL = "aviary_group";
const ROLLOUT_LABEL = "aviary_rollout";

/** One value to read per workload: its name, the query it rides in, and its expression. */
export type GroupedPart = { name: string; batch: number; expr: (grouped: GroupedOptions) => string };
/**
 * One value per rollout, for what a grouped part cannot pair (a rollout's canary against its own
 * stable): built for the rollouts listed only, with their own exact matchers, in the same query.
 */
export type RolloutPart = { name: string; batch: number; rollouts: ReadonlySet<number>; expr: (rollout: ResolvedTargets) => string };

export type GroupedValues = {
  rollouts: ResolvedTargets[];
  /** The part's value for one rollout's stable or canary workload; undefined when Prometheus has no such series. */
  get(rolloutIndex: number, workload: "stable" | "canary", part: string): number | null | undefined;
  /**
   * The part's expression for the rollout's group, verbatim as it stands in the query sent (there
   * wrapped in the label_replace tags, which only add labels): pasted alone into Prometheus at the
   * same time, it returns the values read here, for every workload of the group.
   */
  expr(rolloutIndex: number, part: string): string | undefined;
  /** The labels of the rollout's series in that expression's answer. */
  series(rolloutIndex: number, workload: "stable" | "canary"): Record<string, string> | undefined;
  /** A RolloutPart's value and expression (verbatim as sent, there inside tags); its answer is one series. */
  ofRollout(rolloutIndex: number, part: string): { value: number | null | undefined; expr: string | undefined };
};

/**
 * Instant values for many rollouts' workloads in one query per batch, whatever their number:
 * rollouts sharing a workload label (and extra matchers) form one group selected by regex
 * alternations of their escaped namespaces and values; the groups' parts are `or`-ed together,
 * each tagged with its part and group. The regexes select a superset (every namespace x every
 * value); the code keeps only the pairs asked. Used by the overview and the analysis loop.
 */
export async function fetchGroupedParts(
  client: PrometheusClient,
  targets: readonly RolloutTargets[],
  parts: readonly GroupedPart[],
  { window, time, perRollout = [] }: { window: string; time?: Date; perRollout?: readonly RolloutPart[] },
): Promise<GroupedValues> {
  const rollouts = targets.map((rollout, i) => resolveTargets(rollout, `rollouts.${i}.`));
  const none = { value: undefined, expr: undefined };
  if (rollouts.length === 0) return { rollouts, get: () => undefined, expr: () => undefined, series: () => undefined, ofRollout: () => none };
  assertDuration(window, "window");

  const groups = groupRollouts(rollouts);
  const batches = new Map<number, string[]>();
  const exprs = new Map<string, string>();
  groups.forEach(({ label, extraMatchers, members }, index) => {
    const matchers = [
      ...baseMatchers({ namespaceMatcher: labelMatcher(NAMESPACE_LABEL, "=~", anyOfRegex(members.map((r) => r.namespace))), extraMatchers }),
      labelMatcher(label, "=~", anyOfRegex(members.flatMap((r) => [r.stable, r.canary]))),
    ];
    const grouped = { matchers, by: [NAMESPACE_LABEL, label], window };
    for (const part of parts) {
      const batch = batches.get(part.batch) ?? [];
      const expr = part.expr(grouped);
      exprs.set(seriesKey(String(index), part.name), expr);
      batch.push(tagged(expr, { [PART_LABEL]: part.name, [GROUP_LABEL]: String(index) }));
      batches.set(part.batch, batch);
    }
  });

  const ownExprs = new Map<string, string>();
  for (const part of perRollout) {
    for (const index of part.rollouts) {
      const rollout = rollouts[index];
      if (!rollout) continue;
      const expr = part.expr(rollout);
      ownExprs.set(seriesKey(String(index), part.name), expr);
      batches.set(part.batch, [...(batches.get(part.batch) ?? []), tagged(expr, { [PART_LABEL]: part.name, [ROLLOUT_LABEL]: String(index) })]);
    }
  }
  const answers = await Promise.all([...batches.values()].map((exprs) => client.query(union(exprs), { time })));
  const ownValues = new Map(
    answers.flatMap((answer) => [
      ...indexVector(vectorOf(answer, client.url), (metric) =>
        metric[ROLLOUT_LABEL] === undefined || metric[PART_LABEL] === undefined ? undefined : seriesKey(metric[ROLLOUT_LABEL], metric[PART_LABEL]),
      ),
    ]),
  );
  const keyOf = (metric: Record<string, string>) => {
    const group = groups[Number(metric[GROUP_LABEL])];
    const part = metric[PART_LABEL];
    const namespace = metric[NAMESPACE_LABEL];
    const value = group ? metric[group.label] : undefined;
    if (part === undefined || namespace === undefined || value === undefined) return undefined;
    return seriesKey(metric[GROUP_LABEL] ?? "", part, namespace, value);
  };
  const values = new Map(answers.flatMap((answer) => [...indexVector(vectorOf(answer, client.url), keyOf)]));
  const groupOf = new Map(groups.flatMap((g, index) => g.members.map((member) => [member, String(index)] as const)));
  return {
    rollouts,
    get(rolloutIndex, workload, part) {
      const rollout = rollouts[rolloutIndex];
      if (!rollout) return undefined;
      return values.get(seriesKey(groupOf.get(rollout) ?? "", part, rollout.namespace, rollout[workload]));
    },
    expr(rolloutIndex, part) {
      const rollout = rollouts[rolloutIndex];
      return rollout ? exprs.get(seriesKey(groupOf.get(rollout) ?? "", part)) : undefined;
    },
    ofRollout(rolloutIndex, part) {
      const key = seriesKey(String(rolloutIndex), part);
      return { value: ownValues.get(key), expr: ownExprs.get(key) };
    },
    series(rolloutIndex, workload) {
      const rollout = rollouts[rolloutIndex];
      return rollout ? { [NAMESPACE_LABEL]: rollout.namespace, [rollout.label]: rollout[workload] } : undefined;
    },
  };
}
