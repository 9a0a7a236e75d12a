import type { AuditReader } from "./reader";
import { Prisma } from "../generated/client";

/**
 * Text search (ILIKE '%term%') on the audit log, served by the trigram indexes.
 *
 * Postgres cannot estimate how many rows such a pattern matches. Asked for the newest 50
 * matches, it guesses "many" and walks the time index backwards: instant for common terms, a
 * full scan for rare ones (2 s at a million events). The probe below asks the trigram indexes
 * alone (bitmap scans, whose cost follows the index, not the table) for up to PROBE_LIMIT
 * matches; when that is all of them, the caller reads its page from exactly those rows.
 */
export const PROBE_LIMIT = 5_000;

const { sql } = Prisma;

/** ILIKE pattern for "contains", with the user's own % _ and \ taken literally. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The audit log's text condition: reason, error message, actor id or e-mail, or rollout name. */
export function eventTextCondition(pattern: string): Prisma.Sql {
  return sql`(e.reason ILIKE ${pattern} OR e.error_message ILIKE ${pattern} OR e.actor_id ILIKE ${pattern}
    OR e.actor_email ILIKE ${pattern} OR e.rollout_id = ANY(ARRAY(SELECT id FROM rollouts WHERE name ILIKE ${pattern})))`;
}

/** Ids of the events matching the text, or null when there are more than PROBE_LIMIT. */
export async function probeEventText(audit: AuditReader, pattern: string, limit = PROBE_LIMIT): Promise<string[] | null> {
  const rows = await audit.queryWithBitmapScans<{ id: string }>(
    sql`SELECT e.id::text AS id FROM audit_events e WHERE ${eventTextCondition(pattern)} LIMIT ${limit + 1}`,
  );
  return rows.length > limit ? null : rows.map((row) => row.id);
}

/** Rollouts with an event whose reason matches, or null when more than PROBE_LIMIT events match. */
export async function probeReasonRollouts(audit: AuditReader, pattern: string): Promise<string[] | null> {
  const rows = await audit.queryWithBitmapScans<{ rollout_id: string | null }>(
    sql`SELECT e.rollout_id::text AS rollout_id FROM audit_events e WHERE e.reason ILIKE ${pattern} LIMIT ${PROBE_LIMIT + 1}`,
  );
  if (rows.length > PROBE_LIMIT) return null;
  return [...new Set(rows.flatMap((row) => (row.rollout_id ? [row.rollout_id] : [])))];
}
