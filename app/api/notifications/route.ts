import { requestContext } from "@/lib/http/request-context";
import { pollableJson, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/composition/deps";
import { listNotificationsOverview } from "@/lib/server/notifications/list-notifications";

/** Every notification destination's last week (delivered, retrying, failed, last error, next retry) and the deliveries in trouble. */
export const GET = route(async (request: Request) => {
  await requestContext(request, { need: "viewer" });
  return pollableJson(request, await listNotificationsOverview(getDeps()));
});
