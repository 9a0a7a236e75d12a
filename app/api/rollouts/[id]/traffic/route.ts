import { requestContext } from "@/lib/http/request-context";
import { pollableJson, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/server/deps";
import { readLiveTraffic } from "@/lib/server/read-live-traffic";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** The live weights in the cluster beside Aviary's record; cluster trouble is reported in the body. */
export const GET = route(async (request: Request, { params }: Params) => {
  const { id } = await params;
  await requestContext(request, { need: "viewer" });
  return pollableJson(request, await readLiveTraffic(getDeps(), { id }));
});
