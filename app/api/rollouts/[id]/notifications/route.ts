import { requestContext } from "@/lib/http/request-context";
import { pollableJson, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/composition/deps";
import { listRolloutNotifications } from "@/lib/server/notifications/list-notifications";

type Params = { params: Promise<{ id: string }> };

/** The rollout's latest notifications and how their delivery went; destinations redacted. */
export const GET = route(async (request: Request, { params }: Params) => {
  const { id } = await params;
  await requestContext(request, { need: "viewer" });
  return pollableJson(request, await listRolloutNotifications(getDeps(), { id }));
});
