import * as auditEvents from "@/app/api/audit-events/route";
import * as auditExport from "@/app/api/audit-events/export/route";
import * as integrity from "@/app/api/audit-events/integrity/route";
import * as history from "@/app/api/history/route";

/**
 * The audit and history route handlers, called with real Request objects against the test
 * file's own database (as test/api/client.ts does for the rollouts API).
 */
function get(path: string, query = "") {
  return new Request(`http://aviary.test${path}${query}`, { method: "GET" });
}

async function call(response: Promise<Response>) {
  const res = await response;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert response fields one by one
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

export const auditApi = {
  /** GET /api/audit-events; `query` starts with "?". */
  list: (query = "") => call(auditEvents.GET(get("/api/audit-events", query))),
  /** GET /api/audit-events/export; the raw Response, to read the stream. */
  export: (query = "") => auditExport.GET(get("/api/audit-events/export", query)),
  integrity: () => call(integrity.GET(get("/api/audit-events/integrity", ""))),
  history: (query = "") => call(history.GET(get("/api/history", query))),
};

/** Every page of the audit log for a query, following nextCursor; the ids in order. */
export async function allPages(query: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const params = new URLSearchParams(query);
    params.set("limit", String(limit));
    if (cursor) params.set("cursor", cursor);
    const { status, body } = await auditApi.list(`?${params}`);
    if (status !== 200) throw new Error(`page ${pages + 1}: ${status} ${JSON.stringify(body)}`);
    ids.push(...(body.events as { id: string }[]).map((event) => event.id));
    cursor = body.nextCursor as string | null;
    pages += 1;
  } while (cursor);
  return { ids, pages };
}
