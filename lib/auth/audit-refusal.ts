import { appendAuditEvent } from "../db/audit-events";
import { getDb } from "../db/client";
import { findRollout } from "../db/rollouts";

/**
 * Writes the audit event of a request refused for who made it (403): a viewer trying to roll
 * back is exactly what an auditor wants to see, in the rollout's own trail when there is one.
 */
export type Refusal = {
  actor: { id: string; email: string | null; role: string | null };
  method: string;
  path: string;
  /** The parsed request body, when the route has one: its `action` names what was attempted. */
  input?: unknown;
  message: string;
  requestId: string;
  clientAddress: string | null;
};

const ROLLOUT_PATH = /^\/api\/rollouts\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\/|$)/i;

export function refusedAction({ method, path, input }: Pick<Refusal, "method" | "path" | "input">): string {
  const requested = (input as { action?: unknown } | null | undefined)?.action;
  if (/\/actions$/.test(path)) return typeof requested === "string" && /^[a-z_]{1,32}$/.test(requested) ? requested : "action";
  if (path === "/api/rollouts" && method === "POST") return "create";
  if (ROLLOUT_PATH.test(path) && method === "PATCH") return "update";
  if (ROLLOUT_PATH.test(path) && method === "DELETE") return "archive";
  return `${method.toLowerCase()} ${path.slice(0, 200)}`;
}

export async function auditRefusal(refusal: Refusal): Promise<void> {
  const db = getDb();
  const candidate = ROLLOUT_PATH.exec(refusal.path)?.[1]?.toLowerCase() ?? null;
  await db.$transaction(async (tx) => {
    // The foreign key wants an existing rollout; a refusal on an unknown id is still recorded.
    const rolloutId = candidate && (await findRollout(tx, candidate)) ? candidate : null;
    await appendAuditEvent(tx, {
      rolloutId,
      actor: refusal.actor,
      action: refusedAction(refusal),
      outcome: "refused",
      error: { code: "FORBIDDEN", message: refusal.message },
      requestId: refusal.requestId,
      clientAddress: refusal.clientAddress,
    });
  });
}
