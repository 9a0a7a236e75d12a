import type { RolloutCursor } from "../../domain/audit/cursor";
import type { HistoryFilter } from "../../domain/audit/history-filter";
import type { HistoryRow } from "../../domain/audit/entry";
import type { AuditReader } from "./reader";
import { containsPattern, probeReasonRollouts } from "./text-search";
import { Prisma, type Rollout as RolloutRow } from "../generated/client";
import { toRollout } from "../rollouts";

/**
 * Rollouts for the history, most recently changed first, keyset-paginated on (updated_at, id),
 * each with its latest audit event and its number of events.
 */

const { sql, join, empty, raw } = Prisma;

// Every column of the Prisma model, so a column added to schema.prisma fails to compile here.
const ROLLOUT_COLUMNS = {
  id: "id",
  name: "name",
  namespace: "namespace",
  cluster: "cluster",
  virtualService: "virtual_service",
  route: "route",
  stable: "stable",
  canary: "canary",
  steps: "steps",
  stableWorkload: "stable_workload",
  canaryWorkload: "canary_workload",
  sloAvailability: "slo_availability",
  sloLatencyP95Ms: "slo_latency_p95_ms",
  status: "status",
  currentStep: "current_step",
  canaryWeight: "canary_weight",
  revision: "revision",
  createdAt: "created_at",
  updatedAt: "updated_at",
  archivedAt: "archived_at",
  stepStartedAt: "step_started_at",
  analysis: "analysis",
  notifications: "notifications",
  approvals: "approvals",
} as const satisfies Record<keyof RolloutRow, string>;

const SELECT_ROLLOUT = raw(
  Object.entries(ROLLOUT_COLUMNS)
    .map(([field, column]) => `r.${column} AS "${field}"`)
    .join(", "),
);

type Row = RolloutRow & {
  last_at: Date | null;
  last_action: string | null;
  last_outcome: string | null;
  last_actor_id: string | null;
  last_actor_email: string | null;
  event_count: string;
};

/** `reasonRollouts`: rollouts with a matching reason, when the probe could list them. */
function historyConditions(filter: HistoryFilter, reasonRollouts: string[] | null): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (filter.namespace) where.push(sql`r.namespace = ${filter.namespace}`);
  if (filter.service) where.push(sql`r.virtual_service = ${filter.service}`);
  if (filter.statuses) where.push(sql`r.status::text = ANY(${filter.statuses}::text[])`);
  const ofEvent: Prisma.Sql[] = [];
  if (filter.actor) ofEvent.push(sql`(e.actor_id = ${filter.actor} OR e.actor_email = ${filter.actor})`);
  if (filter.from) ofEvent.push(sql`e.at >= ${filter.from}::timestamptz`);
  if (filter.toExclusive) ofEvent.push(sql`e.at < ${filter.toExclusive}::timestamptz`);
  if (ofEvent.length > 0) {
    where.push(sql`EXISTS (SELECT 1 FROM audit_events e WHERE e.rollout_id = r.id AND ${join(ofEvent, " AND ")})`);
  }
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    const byReason = reasonRollouts
      ? sql`r.id = ANY(${reasonRollouts}::uuid[])`
      : // Many matching events: check rollout by rollout (a LIMIT 1 subquery, so Postgres cannot
        // turn it into a hash of every matching event), stopping at the first match of each.
        sql`(SELECT true FROM audit_events e WHERE e.rollout_id = r.id AND e.reason ILIKE ${pattern} LIMIT 1) IS NOT NULL`;
    where.push(sql`(r.name ILIKE ${pattern} OR ${byReason})`);
  }
  return where;
}

export async function findHistoryRows(
  audit: AuditReader,
  { filter, after, limit }: { filter: HistoryFilter; after: RolloutCursor | null; limit: number },
): Promise<HistoryRow[]> {
  const reasonRollouts = filter.q ? await probeReasonRollouts(audit, containsPattern(filter.q)) : null;
  const where = historyConditions(filter, reasonRollouts);
  if (after) {
    where.push(sql`r.updated_at <= ${after.updatedAt}::timestamptz AND (r.updated_at < ${after.updatedAt}::timestamptz OR r.id < ${after.id}::uuid)`);
  }
  const rows = await audit.query<Row>(sql`
    SELECT ${SELECT_ROLLOUT}, last.at AS last_at, last.action AS last_action, last.outcome AS last_outcome,
           last.actor_id AS last_actor_id, last.actor_email AS last_actor_email,
           (SELECT count(*) FROM audit_events c WHERE c.rollout_id = r.id) AS event_count
    FROM rollouts r
    LEFT JOIN LATERAL (
      SELECT e.at, e.action, e.outcome, e.actor_id, e.actor_email FROM audit_events e
      WHERE e.rollout_id = r.id ORDER BY e.at DESC, e.id DESC LIMIT 1
    ) last ON true
    ${where.length > 0 ? sql`WHERE ${join(where, " AND ")}` : empty}
    ORDER BY r.updated_at DESC, r.id DESC
    LIMIT ${limit}`);
  return rows.map(({ last_at, last_action, last_outcome, last_actor_id, last_actor_email, event_count, ...rollout }) => ({
    rollout: toRollout(rollout),
    lastEvent:
      last_at && last_action && last_outcome && last_actor_id
        ? { at: last_at, action: last_action, outcome: last_outcome, actorId: last_actor_id, actorEmail: last_actor_email }
        : null,
    eventCount: Number(event_count),
  }));
}
