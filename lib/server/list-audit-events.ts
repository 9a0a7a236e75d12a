import { findAuditLogEntries } from "../db/audit/log-query";
import { encodeEventCursor } from "../domain/audit/cursor";
import type { AuditLogEntry } from "../domain/audit/entry";
import { parseAuditLogQuery } from "../domain/audit/log-filter";
import type { AuditReader } from "../db/audit/reader";

export type AuditLogPage = {
  entries: AuditLogEntry[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
  /** The filters in effect, clean, for links and the export. */
  params: Record<string, string>;
};

export type ListAuditEventsOptions = { query: Record<string, string | string[] | undefined> };

/** One page of the audit log across all rollouts, newest first. Bad filters: VALIDATION with fields. */
export async function listAuditEvents({ audit }: { audit: AuditReader }, { query }: ListAuditEventsOptions): Promise<AuditLogPage> {
  const { filter, cursor, limit, params } = parseAuditLogQuery(query);
  const rows = await findAuditLogEntries(audit, { filter, after: cursor, limit: limit + 1 });
  const entries = rows.slice(0, limit);
  const last = entries.at(-1);
  return { entries, nextCursor: rows.length > limit && last ? encodeEventCursor(last) : null, params };
}
