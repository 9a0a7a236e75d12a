import { appendAuditEvent } from "@/lib/db/audit/events";
import { getDeps } from "@/lib/composition/deps";

/**
 * Test-only: audit events at chosen (past) times, written through the real append path, as the
 * database refuses any event not linked to the chain's head.
 */

type EventSpec = { at: Date; action: string; outcome?: "success" | "refused" | "failed"; canaryWeight?: number; reason?: string; actorEmail?: string };

export async function appendEvents(rolloutId: string, events: readonly EventSpec[]) {
  for (const e of events) {
    await appendAuditEvent(getDeps().db, {
      at: e.at,
      rolloutId,
      actor: { id: "sre", email: e.actorEmail ?? "sre@example.com", role: "operator" },
      action: e.action,
      reason: e.reason ?? null,
      outcome: e.outcome ?? "success",
      after:
        e.canaryWeight === undefined ? undefined : { status: "progressing", currentStep: 0, canaryWeight: e.canaryWeight, stableWeight: 100 - e.canaryWeight },
    });
  }
}
