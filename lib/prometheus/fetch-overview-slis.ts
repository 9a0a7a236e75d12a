import { ratio, trafficSplit } from "../domain/series";
import type { PrometheusClient } from "./client";
import { fetchGroupedParts, type GroupedPart } from "./grouped-instant";
import type { ResolvedTargets, RolloutTargets } from "./selector";
import { errorsExpr, quantileExpr, requestsExpr } from "./sli-queries";
import type { WorkloadSlis } from "../contracts/slis";

export type OverviewSlis = { rollout: ResolvedTargets; canary: WorkloadSlis; stable: WorkloadSlis; split: number | null };

const PARTS: GroupedPart[] = [
  { name: "requests", batch: 0, expr: requestsExpr },
  { name: "errors", batch: 0, expr: errorsExpr },
  { name: "p95", batch: 1, expr: (grouped) => quantileExpr({ ...grouped, q: 0.95 }) },
];

/** Current SLIs for every rollout on the overview, in two instant queries whatever their number (fetchGroupedParts). */
export async function fetchOverviewSlis(
  client: PrometheusClient,
  rollouts: readonly RolloutTargets[],
  { window = "5m", time }: { window?: string; time?: Date } = {},
): Promise<OverviewSlis[]> {
  const values = await fetchGroupedParts(client, rollouts, PARTS, { window, time });
  return values.rollouts.map((rollout, index) => {
    const slis = (workload: "stable" | "canary"): WorkloadSlis => {
      const get = (part: string) => values.get(index, workload, part);
      const requestRate = get("requests") ?? null;
      // No 5xx series yet with traffic present means no errors, not unknown.
      const errors = get("errors") ?? (requestRate === null ? null : 0);
      return { errorRate: ratio(errors, requestRate), p95Ms: get("p95") ?? null, requestRate };
    };
    const canary = slis("canary");
    const stable = slis("stable");
    return { rollout, canary, stable, split: trafficSplit(canary.requestRate, stable.requestRate) };
  });
}
