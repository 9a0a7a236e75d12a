import { auditLogEntryJson } from "@/lib/contracts/audit-event";
import { queryFromUrl } from "@/lib/domain/query-text";
import { requestContext } from "@/lib/http/request-context";
import { json, route } from "@/lib/http/respond";
import { listAuditEvents } from "@/lib/server/list-audit-events";
import { getDeps } from "@/lib/composition/deps";

/** The audit log across all rollouts, newest first, one page per call (role: viewer). */
export const GET = route(async (request: Request) => {
  await requestContext(request, { need: "viewer" });
  const query = queryFromUrl(request.url);
  const page = await listAuditEvents(getDeps(), { query });
  return json({ events: page.entries.map(auditLogEntryJson), nextCursor: page.nextCursor });
});
