import type { LiveTraffic } from "../domain/live-traffic";
import type { RolloutAction } from "../domain/rollout-actions";
import type { AuditEventJson } from "../contracts/audit-event";
import type { RolloutJson } from "../contracts/rollout";
import type { RolloutListJson } from "../contracts/overview";
import type { VirtualServiceInspection } from "../contracts/inspection";
import type { RolloutApprovalsJson } from "../contracts/approvals";
import type { FreezeWindowJson, FreezeWindowListJson } from "../contracts/freeze";
import { noteTrafficReadAt } from "./traffic-read-at";

/** Browser-side calls to Aviary's API. Errors keep the server's code, message and field errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export async function request<T>(path: string, init: RequestInit = {}, onHeaders?: (headers: Headers) => void): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}), ...init.headers },
    });
  } catch {
    throw new ApiError(0, "NETWORK", "Aviary's server did not answer; check your connection");
  }
  const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string; fields?: Record<string, string> } } | null;
  if (!response.ok) {
    const error = body?.error;
    throw new ApiError(response.status, error?.code ?? "HTTP_" + response.status, error?.message ?? `the server answered ${response.status}`, error?.fields);
  }
  onHeaders?.(response.headers);
  return body as T;
}

export const api = {
  listRollouts: ({ includeArchived }: { includeArchived: boolean }) =>
    request<RolloutListJson>(`/api/rollouts${includeArchived ? "?includeArchived=true" : ""}`),
  getRollout: (id: string) => request<RolloutJson>(`/api/rollouts/${encodeURIComponent(id)}`),
  createRollout: (input: unknown) => request<RolloutJson>("/api/rollouts", { method: "POST", body: JSON.stringify(input) }),
  updateRollout: (id: string, input: unknown) =>
    request<RolloutJson>(`/api/rollouts/${encodeURIComponent(id)}`, { method: "PATCH", body: JSON.stringify(input) }),
  archiveRollout: (id: string) => request<RolloutJson>(`/api/rollouts/${encodeURIComponent(id)}`, { method: "DELETE" }),
  act: (id: string, body: { action: RolloutAction; reason?: string; expectedRevision?: number; overrideFreeze?: boolean }) =>
    request<RolloutJson>(`/api/rollouts/${encodeURIComponent(id)}/actions`, { method: "POST", body: JSON.stringify(body) }),
  /** On a revalidated 304 the body is the cached one (same data, nothing re-renders); the read time comes from a header. */
  liveTraffic: (id: string) =>
    request<{ rolloutId: string; live: LiveTraffic }>(`/api/rollouts/${encodeURIComponent(id)}/traffic`, {}, (headers) =>
      noteTrafficReadAt(id, headers.get("aviary-read-at")),
    ),
  allLiveTraffic: () => request<{ traffic: Record<string, LiveTraffic> }>("/api/traffic"),
  events: (id: string) => request<{ events: AuditEventJson[] }>(`/api/rollouts/${encodeURIComponent(id)}/events`),
  approvals: (id: string) => request<RolloutApprovalsJson>(`/api/rollouts/${encodeURIComponent(id)}/approvals`),
  runApprovalChecks: (id: string) => request<RolloutApprovalsJson>(`/api/rollouts/${encodeURIComponent(id)}/approvals/checks`, { method: "POST" }),
  tickChecklistItem: (id: string, itemId: string, ticked: boolean) =>
    request<RolloutApprovalsJson>(`/api/rollouts/${encodeURIComponent(id)}/approvals/checklist/${encodeURIComponent(itemId)}`, {
      method: "POST",
      body: JSON.stringify({ ticked }),
    }),
  freezeWindows: () => request<FreezeWindowListJson>("/api/freeze-windows"),
  createFreezeWindow: (input: unknown) => request<FreezeWindowJson>("/api/freeze-windows", { method: "POST", body: JSON.stringify(input) }),
  deleteFreezeWindow: (id: string, reason?: string) =>
    request<null>(`/api/freeze-windows/${encodeURIComponent(id)}`, { method: "DELETE", body: JSON.stringify(reason ? { reason } : {}) }),
  inspectVirtualService: (target: unknown) =>
    request<VirtualServiceInspection>("/api/virtual-services/inspect", { method: "POST", body: JSON.stringify(target) }),
};
