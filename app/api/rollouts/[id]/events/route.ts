import { auditEventJson } from "@/lib/http/audit-event-json";
import { json, route } from "@/lib/http/respond";
import { getDeps } from "@/lib/server/deps";
import { listRolloutEvents } from "@/lib/server/list-rollout-events";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** The rollout's latest audit events, newest first. */
export const GET = route(async (_request: Request, { params }: Params) => {
  const { id } = await params;
  const events = await listRolloutEvents(getDeps(), { id });
  return json({ events: events.map(auditEventJson) });
});
