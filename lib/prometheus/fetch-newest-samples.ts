import type { PrometheusClient } from "./client";
import { fetchGroupedParts } from "./grouped-instant";
import type { RolloutTargets } from "./selector";
import { newestSampleExpr } from "./sli-queries";

/**
 * The time (ms) of the newest sample of each rollout's canary request series, in one query for
 * all of them (grouped as the overview's queries are); undefined where Prometheus has no such
 * series. Throws PrometheusError when Prometheus cannot answer.
 */
export async function fetchNewestCanarySamples(
  client: PrometheusClient,
  targets: readonly RolloutTargets[],
  { time }: { time?: Date } = {},
): Promise<(number | undefined)[]> {
  // The window is not used by this part; fetchGroupedParts wants one for the parts that are ranged.
  const values = await fetchGroupedParts(client, targets, [{ name: "newest", batch: 0, expr: (grouped) => newestSampleExpr(grouped) }], { window: "1m", time });
  return targets.map((_, index) => {
    const seconds = values.get(index, "canary", "newest");
    return typeof seconds === "number" && Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
  });
}
