import { requestContext } from "@/lib/http/request-context";
import { json, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/composition/deps";
import { getRolloutMetrics, parseMetricsQuery } from "@/lib/server/get-rollout-metrics";

type Params = { params: Promise<{ id: string }> };

/**
 * GET ?window=15m|1h|6h|24h|rollout (default 1h): the SLI series, burn rates, budget and action
 * markers of one rollout (RolloutMetrics). Prometheus down: 503 METRICS_UNAVAILABLE; query
 * refused or unreadable answer: 502 METRICS_ERROR.
 */
export const GET = route(async (request: Request, { params }: Params) => {
  await requestContext(request, { need: "viewer" });
  const { id } = await params;
  const { window } = parseMetricsQuery(new URL(request.url).searchParams);
  return json(await getRolloutMetrics(getDeps(), { id, window }));
});
