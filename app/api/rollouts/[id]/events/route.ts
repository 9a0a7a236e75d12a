import { auditEventJson } from "@/lib/contracts/audit-event";
import { requestContext } from "@/lib/http/request-context";
import { pollableJson, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/composition/deps";
import { listRolloutEvents } from "@/lib/server/list-rollout-events";

type Params = { params: Promise<{ id: string }> };

/** The rollout's latest audit events, newest first. */
export const GET = route(async (request: Request, { params }: Params) => {
  const { id } = await params;
  await requestContext(request, { need: "viewer" });
  const events = await listRolloutEvents(getDeps(), { id });
  return pollableJson(request, { events: events.map(auditEventJson) });
});
