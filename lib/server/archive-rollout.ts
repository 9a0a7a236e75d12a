import { appendAuditEvent } from "../db/audit/events";
import { archiveRolloutRow, lockRollout } from "../db/rollouts";
import { assertArchivable } from "../domain/rollout-lifecycle";
import type { Rollout } from "../domain/rollout";
import type { RequestContext } from "../domain/actor";
import type { Deps } from "./deps";
import { assertRolloutId, notFound } from "./rollout-id";

/** Archiving hides a rollout from the overview; its row and its audit events stay forever. */
export async function archiveRollout({ db, now }: Deps, { id, context }: { id: string; context: RequestContext }): Promise<Rollout> {
  const rolloutId = assertRolloutId(id);
  return db.$transaction(async (tx) => {
    const current = await lockRollout(tx, rolloutId);
    if (!current) throw notFound(id);
    if (current.status === "archived") return current;
    assertArchivable(current);
    const archived = await archiveRolloutRow(tx, rolloutId, now());
    await appendAuditEvent(tx, {
      rolloutId,
      actor: context.actor,
      action: "archive",
      outcome: "success",
      before: { status: current.status, revision: current.revision },
      after: { status: archived.status, revision: archived.revision },
      requestId: context.requestId,
      clientAddress: context.clientAddress,
    });
    return archived;
  });
}
