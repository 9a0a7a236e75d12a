import { readJsonBody } from "@/lib/http/read-json";
import { requestContext } from "@/lib/http/request-context";
import { json, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/composition/deps";
import { inspectVirtualService } from "@/lib/server/inspect-virtual-service";

/** What the cluster holds for a rollout target, before it is saved. Reads only. */
export const POST = route(async (request: Request) => {
  // Part of defining a rollout: it reads any VirtualService with Aviary's own credentials.
  await requestContext(request, { need: "admin" });
  const input = await readJsonBody(request);
  return json(await inspectVirtualService(getDeps(), { input }));
});
