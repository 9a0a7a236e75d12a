import { listRollouts } from "../db/rollouts";
import { worstVerdict } from "../domain/burn-summary";
import { burnRates, errorBudget, multiwindowVerdict } from "../domain/slo";
import { type Rollout, workloadsOf } from "../domain/rollout";
import { fetchOverviewBurnRates } from "../prometheus/fetch-overview-burn-rates";
import type { SliOverview, SliOverviewRow, WorkloadSlis } from "../contracts/slis";
import { fetchOverviewSlis } from "../prometheus/fetch-overview-slis";
import type { Deps } from "../composition/deps";

/** The rate window of the overview's "current" figures. */
export const OVERVIEW_WINDOW = "5m";

/**
 * Current SLIs and a burn-rate verdict for every rollout that is not archived. Four Prometheus
 * queries per call, whatever the number of rollouts (two from fetchOverviewSlis, two from
 * fetchOverviewBurnRates), all run at once.
 */
export async function getOverviewSlis(deps: Deps): Promise<SliOverview> {
  const rollouts = await listRollouts(deps.db);
  const now = deps.now();
  const targets = rollouts.map(workloadsOf);
  const [slis, burns] = await Promise.all([
    fetchOverviewSlis(deps.prometheus, targets, { window: OVERVIEW_WINDOW, time: now }),
    fetchOverviewBurnRates(deps.prometheus, targets, { time: now }),
  ]);
  const rows = rollouts.map((rollout, i): SliOverviewRow => row(rollout, slis[i], burns[i]));
  return { generatedAt: now.getTime(), window: OVERVIEW_WINDOW, rollouts: Object.fromEntries(rows.map((r) => [r.rolloutId, r])) };
}

const NO_SLIS: WorkloadSlis = { errorRate: null, p95Ms: null, requestRate: null };

function row(
  rollout: Rollout,
  slis: Awaited<ReturnType<typeof fetchOverviewSlis>>[number] | undefined,
  burn: Awaited<ReturnType<typeof fetchOverviewBurnRates>>[number] | undefined,
): SliOverviewRow {
  const canary = slis?.canary ?? NO_SLIS;
  const stable = slis?.stable ?? NO_SLIS;
  const { availability, latencyP95Ms } = rollout.slo;
  const serviceRates = burn ? burnRates(burn.service.errorRatio, availability) : null;
  const canaryRates = burn ? burnRates(burn.canary.errorRatio, availability) : null;
  const service = serviceRates ? multiwindowVerdict(serviceRates).status : "no_data";
  const canaryStatus = canaryRates ? multiwindowVerdict(canaryRates).status : "no_data";
  const hasTraffic = [canary.requestRate, stable.requestRate].some((rate) => rate !== null && rate > 0);
  return {
    rolloutId: rollout.id,
    state: hasTraffic ? "ok" : "no_traffic",
    canary,
    stable,
    split: slis?.split ?? null,
    thresholds: { errorRate: errorBudget(availability), latencyP95Ms },
    burn: {
      ...worstVerdict(service, canaryStatus),
      service,
      canary: canaryStatus,
      serviceBurnRate: serviceRates?.["1h"] ?? null,
      canaryBurnRate: canaryRates?.["1h"] ?? null,
    },
  };
}
