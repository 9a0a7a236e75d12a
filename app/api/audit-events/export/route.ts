import { queryFromUrl } from "@/lib/domain/query-text";
import { requestContext } from "@/lib/http/request-context";
import { route } from "@/lib/http/respond";
import { exportAuditEvents } from "@/lib/server/export-audit-events";
import { getDeps } from "@/lib/composition/deps";

/** The filtered audit log as a CSV or JSON download, streamed (role: viewer). */
export const GET = route(async (request: Request) => {
  await requestContext(request, { need: "viewer" });
  const query = queryFromUrl(request.url);
  const deps = getDeps();
  const { body, contentType, filename } = exportAuditEvents(deps, { query, now: deps.now() });
  return new Response(body, {
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
