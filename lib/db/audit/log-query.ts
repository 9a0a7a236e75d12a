import type { EventCursor } from "../../domain/audit/cursor";
import type { AuditLogEntry } from "../../domain/audit/entry";
import type { AuditLogFilter } from "../../domain/audit/log-filter";
import type { AuditReader } from "./reader";
import { containsPattern, eventTextCondition, PROBE_LIMIT, probeEventText } from "./text-search";
import { Prisma } from "../generated/client";

/**
 * Reads the audit log, newest first, by keyset pages on (at, id). SQL rather than the query
 * builder, for two reasons: rollout conditions become `rollout_id = ANY(ARRAY(subquery))`, which
 * Postgres can combine with the other indexes (a join or IN-subquery could not be OR-ed into a
 * bitmap scan), and the cursor condition is written so the `at` indexes bound the scan.
 */

const { sql, join, empty } = Prisma;

/**
 * Text search, step 1: the newest this-many candidates (all other filters applied) are searched
 * in memory: enough for any term in more than ~2% of events; rarer ones go to the probe.
 */
export const TEXT_WALK_BUDGET = 2_500;

type Row = Omit<AuditLogEntry, "rollout" | "id"> & {
  id: string;
  rolloutName: string | null;
  rolloutNamespace: string | null;
  rolloutService: string | null;
  rolloutCluster: string | null;
};

const COLUMNS = sql`e.id, e.at, e.rollout_id AS "rolloutId", e.actor_id AS "actorId", e.actor_email AS "actorEmail",
  e.actor_role AS "actorRole", e.action, e.reason, e.outcome, e.error_code AS "errorCode",
  e.error_message AS "errorMessage", e.before, e.after,
  e.resource_version_before AS "resourceVersionBefore", e.resource_version_after AS "resourceVersionAfter",
  e.duration_ms AS "durationMs", e.request_id AS "requestId", e.client_address AS "clientAddress",
  e.repeat_count AS "repeatCount", e.prev_hash AS "prevHash", e.hash,
  r.name AS "rolloutName", r.namespace AS "rolloutNamespace", r.virtual_service AS "rolloutService",
  r.cluster AS "rolloutCluster"`;

const NEWEST_FIRST = sql`ORDER BY e.at DESC, e.id DESC`;

function rolloutIdsWhere(conditions: Prisma.Sql[]): Prisma.Sql {
  return sql`e.rollout_id = ANY(ARRAY(SELECT id FROM rollouts WHERE ${join(conditions, " AND ")}))`;
}

const whereClause = (where: Prisma.Sql[]) => (where.length > 0 ? sql`WHERE ${join(where, " AND ")}` : empty);

/** Every condition of the filter except the text search, plus the cursor. */
export function auditLogConditions(filter: AuditLogFilter, after: EventCursor | null = null): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (filter.actions) where.push(sql`e.action = ANY(${filter.actions}::text[])`);
  if (filter.outcomes) where.push(sql`e.outcome = ANY(${filter.outcomes}::text[])`);
  if (filter.actor) where.push(sql`(e.actor_id = ${filter.actor} OR e.actor_email = ${filter.actor})`);
  if (filter.rolloutId) where.push(sql`e.rollout_id = ${filter.rolloutId}::uuid`);
  const ofRollout: Prisma.Sql[] = [];
  if (filter.rolloutName) ofRollout.push(sql`name = ${filter.rolloutName}`);
  if (filter.namespace) ofRollout.push(sql`namespace = ${filter.namespace}`);
  if (filter.service) ofRollout.push(sql`virtual_service = ${filter.service}`);
  if (ofRollout.length > 0) where.push(rolloutIdsWhere(ofRollout));
  if (filter.from) where.push(sql`e.at >= ${filter.from}::timestamptz`);
  if (filter.toExclusive) where.push(sql`e.at < ${filter.toExclusive}::timestamptz`);
  if (after) {
    where.push(sql`e.at <= ${after.at}::timestamptz AND (e.at < ${after.at}::timestamptz OR e.id < ${after.id.toString()}::bigint)`);
  }
  return where;
}

function toEntry(row: Row): AuditLogEntry {
  const { rolloutName, rolloutNamespace, rolloutService, rolloutCluster, ...event } = row;
  return {
    ...event,
    id: BigInt(event.id),
    at: new Date(event.at),
    rollout:
      rolloutName === null
        ? null
        : { name: rolloutName, namespace: rolloutNamespace ?? "", virtualService: rolloutService ?? "", cluster: rolloutCluster ?? "" },
  };
}

async function select(audit: AuditReader, where: Prisma.Sql[], limit: number): Promise<AuditLogEntry[]> {
  const rows = await audit.query<Row>(sql`
    SELECT ${COLUMNS} FROM audit_events e LEFT JOIN rollouts r ON r.id = e.rollout_id
    ${whereClause(where)} ${NEWEST_FIRST} LIMIT ${limit}`);
  return rows.map(toEntry);
}

/** The text condition applied to the newest TEXT_WALK_BUDGET candidates only. */
async function selectAmongNewest(audit: AuditReader, where: Prisma.Sql[], text: Prisma.Sql, limit: number, budget: number): Promise<AuditLogEntry[]> {
  const rows = await audit.query<Row>(sql`
    SELECT ${COLUMNS}
    FROM (SELECT * FROM audit_events e ${whereClause(where)} ${NEWEST_FIRST} LIMIT ${budget}) e
    LEFT JOIN rollouts r ON r.id = e.rollout_id
    WHERE ${text} ${NEWEST_FIRST} LIMIT ${limit}`);
  return rows.map(toEntry);
}

/**
 * Up to `limit` entries matching the filter, strictly after the cursor (newest first).
 *
 * Postgres cannot estimate how many rows `ILIKE '%term%'` matches, so text search picks its plan
 * itself: (1) dense terms are found among the newest candidates; (2) otherwise the trigram
 * indexes list the matches, and if there are few the page is read from exactly those;
 * (3) in between, the time index is walked until the page is full.
 */
export type TextSearchTuning = { walkBudget: number; probeLimit: number };

export async function findAuditLogEntries(
  audit: AuditReader,
  { filter, after, limit }: { filter: AuditLogFilter; after: EventCursor | null; limit: number },
  /** Test seam: small values force each strategy on a small table. */
  { walkBudget, probeLimit }: TextSearchTuning = { walkBudget: TEXT_WALK_BUDGET, probeLimit: PROBE_LIMIT },
): Promise<AuditLogEntry[]> {
  const where = auditLogConditions(filter, after);
  if (!filter.q) return select(audit, where, limit);
  const pattern = containsPattern(filter.q);
  const text = eventTextCondition(pattern);
  const newest = await selectAmongNewest(audit, where, text, limit, walkBudget);
  if (newest.length === limit) return newest;
  const ids = await probeEventText(audit, pattern, probeLimit);
  if (ids === null) return select(audit, [...where, text], limit);
  return ids.length === 0 ? [] : select(audit, [...where, sql`e.id = ANY(${ids}::bigint[])`], limit);
}
