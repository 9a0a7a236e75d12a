import type { AuditReader } from "./reader";
import type { AuditEvent } from "../generated/client";
import { Prisma } from "../generated/client";

const { sql } = Prisma;

/** The next `size` events after `afterId` in chain (id) order: one batch of the integrity check. */
export async function readChainBatch(audit: AuditReader, { afterId, size }: { afterId: bigint | null; size: number }): Promise<AuditEvent[]> {
  const rows = await audit.query<Omit<AuditEvent, "id"> & { id: string }>(sql`
    SELECT id::text AS id, at, rollout_id AS "rolloutId", actor_id AS "actorId", actor_email AS "actorEmail", actor_role AS "actorRole",
           action, reason, outcome, error_code AS "errorCode", error_message AS "errorMessage", before, after,
           resource_version_before AS "resourceVersionBefore", resource_version_after AS "resourceVersionAfter",
           duration_ms AS "durationMs", request_id AS "requestId", client_address AS "clientAddress", repeat_count AS "repeatCount",
           prev_hash AS "prevHash", hash, hash_version AS "hashVersion"
    FROM audit_events WHERE audit_events.id > ${(afterId ?? 0n).toString()}::bigint ORDER BY audit_events.id LIMIT ${size}`);
  return rows.map((row) => ({ ...row, id: BigInt(row.id) }));
}

/** The newest event's id and hash: the chain's head, worth writing down outside the database. */
export async function readChainHead(audit: AuditReader): Promise<{ id: string; hash: string } | null> {
  const [head] = await audit.query<{ id: string; hash: string }>(sql`SELECT id::text AS id, hash FROM audit_events ORDER BY id DESC LIMIT 1`);
  return head ?? null;
}
