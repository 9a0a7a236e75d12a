import { requestContext } from "@/lib/http/request-context";
import { json, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/composition/deps";
import { readAllLiveTraffic } from "@/lib/server/read-live-traffic";

/** Live weights and drift for every rollout on the overview, keyed by rollout id. */
export const GET = route(async (request: Request) => {
  await requestContext(request, { need: "viewer" });
  return json({ traffic: await readAllLiveTraffic(getDeps()) });
});
