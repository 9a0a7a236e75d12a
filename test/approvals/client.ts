import * as approvals from "@/app/api/rollouts/[id]/approvals/route";
import * as checks from "@/app/api/rollouts/[id]/approvals/checks/route";
import * as checklist from "@/app/api/rollouts/[id]/approvals/checklist/[itemId]/route";
import * as windows from "@/app/api/freeze-windows/route";
import * as windowItem from "@/app/api/freeze-windows/[id]/route";

/** The approvals and freeze-window route handlers, called with real Requests (as test/api/client.ts). */
function request(method: string, path: string, body?: unknown) {
  const headers = new Headers();
  if (body !== undefined) headers.set("content-type", "application/json");
  return new Request(`http://aviary.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function call(response: Promise<Response>) {
  const res = await response;
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert response fields one by one
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, any> };
}

const params = <T extends Record<string, string>>(value: T) => ({ params: Promise.resolve(value) });

export const approvalsApi = {
  get: (id: string) => call(approvals.GET(request("GET", `/api/rollouts/${id}/approvals`), params({ id }))),
  runChecks: (id: string) => call(checks.POST(request("POST", `/api/rollouts/${id}/approvals/checks`), params({ id }))),
  tick: (id: string, itemId: string, body?: unknown) =>
    call(checklist.POST(request("POST", `/api/rollouts/${id}/approvals/checklist/${itemId}`, body), params({ id, itemId }))),
  listWindows: () => call(windows.GET(request("GET", "/api/freeze-windows"))),
  createWindow: (body: unknown) => call(windows.POST(request("POST", "/api/freeze-windows", body))),
  deleteWindow: (id: string, body?: unknown) => call(windowItem.DELETE(request("DELETE", `/api/freeze-windows/${id}`, body), params({ id }))),
};
