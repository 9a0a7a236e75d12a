import { requestContext } from "@/lib/http/request-context";
import { json, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/composition/deps";
import { getOverviewSlis } from "@/lib/server/get-overview-slis";

/**
 * GET: current canary-vs-stable SLIs and burn-rate verdicts of every rollout that is not
 * archived (SliOverview), in a constant number of Prometheus queries. Errors as for the
 * rollout metrics: 503 METRICS_UNAVAILABLE or 502 METRICS_ERROR.
 */
export const GET = route(async (request: Request) => {
  await requestContext(request, { need: "viewer" });
  return json(await getOverviewSlis(getDeps()));
});
