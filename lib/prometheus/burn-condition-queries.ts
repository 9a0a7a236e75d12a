import { burnWindowRead } from "../domain/analysis/evaluate";
import { MULTIWINDOW_CONDITIONS, type BurnWindow } from "../domain/slo";
import { anyOfRegex, assertDuration, assertLabelName, labelMatcher, tagged, vectorSelector } from "./promql";
import { indexVector, seriesKey } from "./results";
import type { VectorResult } from "./schemas";
import { baseMatchers, NAMESPACE_LABEL, resolveTargets, type RolloutTargets } from "./selector";
import { PART_LABEL, REQUESTS_METRIC } from "./sli-queries";

/** One rollout's burn-rate gate: whose canary, its availability objective, the window its longer windows read (burnCapFor). */
export type BurnConditionRequest = { targets: RolloutTargets; availability: number; cap: BurnWindow | null };

export type BurnConditions = {
  /** A condition's figure for the rollout's canary: the lower of its two windows' burn rates. */
  get(index: number, condition: string): number | null | undefined;
  /** The expression that computed it, verbatim as sent (there inside label_replace tags). */
  expr(index: number, condition: string): string | undefined;
  series(index: number): Record<string, string> | undefined;
};

const CLASS_LABEL = "aviary_class";
const WINDOW_LABEL = "aviary_window";

/**
 * The burn-rate gate's value as Prometheus computes it, so the query a page shows for it returns
 * the stored number: per multiwindow condition, min over its two windows of the canary's 5xx share
 * divided by the error budget. Rollouts sharing a workload label, extra matchers, objective and
 * capped windows form one class, selected by regex alternations of their namespaces and canaries
 * (a superset the reader narrows, as grouped-instant does). `exprs` are tagged to ride in another
 * query (fetchBurnRatesWith), so their number does not grow with the rollouts'; `read` takes its answer.
 */
export function burnConditionQueries(requests: readonly BurnConditionRequest[]): { exprs: string[]; read: (answer: VectorResult) => BurnConditions } {
  const rollouts = requests.map((r, i) => ({ ...r, targets: resolveTargets(r.targets, `rollouts.${i}.`) }));
  const classes = new Map<string, number[]>();
  rollouts.forEach(({ targets, availability, cap }, index) => {
    const key = JSON.stringify([targets.label, Object.entries(targets.extraMatchers).sort(), availability, cap]);
    classes.set(key, [...(classes.get(key) ?? []), index]);
  });
  const members = [...classes.values()];
  const classOf = new Map(members.flatMap((list, c) => list.map((m) => [m, String(c)] as const)));
  const texts = new Map<string, string>();
  const exprs = members.flatMap((list, c) => {
    const first = rollouts[list[0]!]!;
    const { label, extraMatchers } = first.targets;
    const matchers = [
      ...baseMatchers({ namespaceMatcher: labelMatcher(NAMESPACE_LABEL, "=~", anyOfRegex(list.map((m) => rollouts[m]!.targets.namespace))), extraMatchers }),
      labelMatcher(label, "=~", anyOfRegex(list.map((m) => rollouts[m]!.targets.canary))),
    ];
    return MULTIWINDOW_CONDITIONS.map(({ name, long, short }) => {
      const read = (window: BurnWindow) => burnWindowRead(window, first.cap);
      const expr = conditionExpr({ matchers, by: [NAMESPACE_LABEL, label], long: read(long), short: read(short), availability: first.availability });
      texts.set(seriesKey(String(c), name), expr);
      return tagged(expr, { [PART_LABEL]: name, [CLASS_LABEL]: String(c) });
    });
  });
  const read = (answer: VectorResult): BurnConditions => {
    const values = indexVector(answer, (metric) => {
      const c = metric[CLASS_LABEL];
      const first = c === undefined ? undefined : rollouts[members[Number(c)]?.[0] ?? -1];
      const [part, namespace, canary] = [metric[PART_LABEL], metric[NAMESPACE_LABEL], first ? metric[first.targets.label] : undefined];
      return c === undefined || part === undefined || namespace === undefined || canary === undefined ? undefined : seriesKey(c, part, namespace, canary);
    });
    return {
      get: (index, condition) => {
        const r = rollouts[index];
        return r ? values.get(seriesKey(classOf.get(index) ?? "", condition, r.targets.namespace, r.targets.canary)) : undefined;
      },
      expr: (index, condition) => texts.get(seriesKey(classOf.get(index) ?? "", condition)),
      series: (index) => {
        const r = rollouts[index];
        return r ? { [NAMESPACE_LABEL]: r.targets.namespace, [r.targets.label]: r.targets.canary } : undefined;
      },
    };
  };
  return { exprs, read };
}

type ConditionOptions = { matchers: readonly string[]; by: readonly string[]; long: BurnWindow; short: BurnWindow; availability: number };

function conditionExpr({ matchers, by, long, short, availability }: ConditionOptions): string {
  const names = by.map((name) => assertLabelName(name, "by")).join(", ");
  const ratio = (window: string) => {
    const all = `increase(${vectorSelector(REQUESTS_METRIC, matchers)}[${assertDuration(window)}])`;
    const errors = `increase(${vectorSelector(REQUESTS_METRIC, [...matchers, labelMatcher("response_code", "=~", "5..")])}[${window}])`;
    // Istio creates the 5xx series at the first error: none yet reads 0, not nothing. The zeros come
    // from a plain selector, which reads no range (a workload with no sample in the last 5 min
    // has no 5m figure either, so the gate is inconclusive then anyway).
    return `sum by (${names}) (${errors} or ${vectorSelector(REQUESTS_METRIC, matchers)} * 0) / sum by (${names}) (${all})`;
  };
  if (!(availability > 0 && availability < 100)) throw new RangeError(`availability must be between 0 and 100, got ${availability}`);
  // The same arithmetic as errorBudget() in slo.ts, so the float is the same.
  const budget = `(1 - ${availability} / 100)`;
  if (long === short) return `(${ratio(long)}) / ${budget}`;
  const both = `${tagged(ratio(long), { [WINDOW_LABEL]: long })} or ${tagged(ratio(short), { [WINDOW_LABEL]: short })}`;
  return `min by (${names}) (${both}) / ${budget}`;
}
