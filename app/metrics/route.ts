import { checkBearerToken } from "@/lib/http/bearer-token";
import { route } from "@/lib/http/respond";
import { getConfig, getDeps } from "@/lib/composition/deps";
import { readOwnMetrics } from "@/lib/server/read-own-metrics";

/**
 * GET /metrics: Aviary's own metrics for a Prometheus scraper, behind a bearer token
 * (AVIARY_METRICS_TOKEN). proxy.ts lets it through without a session; this handler is the gate.
 */
export const GET = route(async (request: Request) => {
  const refused = checkBearerToken(request, getConfig().server().AVIARY_METRICS_TOKEN, { what: "Aviary's own metrics", variable: "AVIARY_METRICS_TOKEN" });
  if (refused) return refused;
  const { contentType, text } = await readOwnMetrics(getDeps());
  return new Response(text, { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
});
