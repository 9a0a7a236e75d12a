import * as collection from "@/app/api/rollouts/route";
import * as item from "@/app/api/rollouts/[id]/route";
import * as actions from "@/app/api/rollouts/[id]/actions/route";
import * as analysis from "@/app/api/rollouts/[id]/analysis/route";

/**
 * Calls the real route handlers with real Request objects (no HTTP server, no mocks): the
 * same code path Next.js runs, against the test file's own Postgres database.
 */
type Init = { body?: unknown; rawBody?: string; contentType?: string | null; query?: string; requestId?: string };

function request(method: string, path: string, { body, rawBody, contentType = "application/json", query = "", requestId }: Init = {}) {
  const headers = new Headers();
  if (contentType) headers.set("content-type", contentType);
  if (requestId) headers.set("x-request-id", requestId);
  const payload = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  return new Request(`http://aviary.test${path}${query}`, { method, headers, body: payload });
}

async function call(response: Promise<Response>) {
  const res = await response;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert response fields one by one
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const params = (id: string) => ({ params: Promise.resolve({ id }) });

export const api = {
  list: (query = "") => call(collection.GET(request("GET", "/api/rollouts", { query }))),
  create: (body: unknown, init: Init = {}) => call(collection.POST(request("POST", "/api/rollouts", { body, ...init }))),
  get: (id: string) => call(item.GET(request("GET", `/api/rollouts/${id}`), params(id))),
  patch: (id: string, body: unknown, init: Init = {}) => call(item.PATCH(request("PATCH", `/api/rollouts/${id}`, { body, ...init }), params(id))),
  archive: (id: string) => call(item.DELETE(request("DELETE", `/api/rollouts/${id}`), params(id))),
  /** POST /api/rollouts/{id}/actions; `requestId` becomes x-request-id, which the audit log keeps. */
  act: (id: string, body: unknown, init: Init = {}) => call(actions.POST(request("POST", `/api/rollouts/${id}/actions`, { body, ...init }), params(id))),
  analysis: (id: string) => call(analysis.GET(request("GET", `/api/rollouts/${id}/analysis`), params(id))),
};
