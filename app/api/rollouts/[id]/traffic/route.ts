import { requestContext } from "@/lib/http/request-context";
import { pollableJson, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/composition/deps";
import { readLiveTraffic } from "@/lib/server/read-live-traffic";

type Params = { params: Promise<{ id: string }> };

/**
 * The live weights in the cluster beside Aviary's record; cluster trouble is reported in the body.
 * The read times (`readAt`, `freshness.syncedAt`) change on every poll, so the ETag leaves them out:
 * the page gets 304 until the weights, the resourceVersion or the source change, and takes the read
 * time from the `aviary-read-at` header (lib/client/api.ts), which comes with the 304 as well.
 */
export const GET = route(async (request: Request, { params }: Params) => {
  const { id } = await params;
  await requestContext(request, { need: "viewer" });
  const traffic = await readLiveTraffic(getDeps(), { id });
  const { readAt, freshness, ...live } = traffic.live;
  const sameAs = { ...traffic, live: { ...live, freshness: freshness && { source: freshness.source, note: freshness.note } } };
  return pollableJson(request, traffic, { sameAs, headers: { "aviary-read-at": readAt } });
});
