import { findHistoryRows } from "../db/audit/history-query";
import type { HistoryRow } from "../domain/audit/entry";
import { encodeRolloutCursor } from "../domain/audit/cursor";
import { parseHistoryQuery } from "../domain/audit/history-filter";
import type { AuditReader } from "../db/audit/reader";

export type HistoryPage = { rows: HistoryRow[]; nextCursor: string | null; params: Record<string, string> };

export type ListRolloutHistoryOptions = { query: Record<string, string | string[] | undefined> };

/** Past and present rollouts, archived included, most recently changed first. */
export async function listRolloutHistory({ audit }: { audit: AuditReader }, { query }: ListRolloutHistoryOptions): Promise<HistoryPage> {
  const { filter, cursor, limit, params } = parseHistoryQuery(query);
  const found = await findHistoryRows(audit, { filter, after: cursor, limit: limit + 1 });
  const rows = found.slice(0, limit);
  const last = rows.at(-1)?.rollout;
  return { rows, nextCursor: found.length > limit && last ? encodeRolloutCursor(last) : null, params };
}
