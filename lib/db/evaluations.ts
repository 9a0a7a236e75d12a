import { createHash } from "node:crypto";
import { ANALYSIS_ACTOR } from "../domain/actor";
import type { EvaluationRecord, GateEvaluation, Verdict } from "../domain/analysis/evaluate";
import type { Db } from "./client";

/** A stored evaluation: one gate's verdict at one moment, with what it was measured from. */
/** `queryId`: the key of its query's text when that is stored apart (the SHA-256 of the text). */
export type StoredEvaluation = EvaluationRecord<Date> & { id: bigint; rolloutId: string; step: number | null; queryId?: string | null };

export type NewEvaluation = {
  rolloutId: string;
  at: Date;
  evaluation: GateEvaluation;
  /** The query that produced the value, verbatim as sent, and the labels of the rollout's series in its answer. */
  query: string | null;
  querySeries?: Record<string, string> | null;
  window: string;
  step: number | null;
  canaryWeight: number;
  evidence?: unknown;
};

const finite = (value: number | null) => (value === null || Number.isFinite(value) ? value : null);

const hashOf = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Writes a pass's evaluations with their query texts, each text once (a grouped query's part is
 * shared by every rollout of its group, and by every pass while the rollouts stay the same). One
 * statement, as before the texts had a table of their own: no evaluation without its text, and
 * the loop's statements per pass stay the same.
 */
export async function insertEvaluations(db: Db, rows: readonly NewEvaluation[]): Promise<void> {
  if (rows.length === 0) return;
  const texts = new Map(rows.flatMap(({ query }) => (query === null ? [] : [[hashOf(query), query] as const])));
  const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  const column = <T>(pick: (row: NewEvaluation) => T) => rows.map(pick);
  await db.$executeRaw`
    WITH texts AS (
      INSERT INTO analysis_queries (hash, text)
      SELECT * FROM unnest(${[...texts.keys()]}::text[], ${[...texts.values()]}::text[])
      ON CONFLICT (hash) DO NOTHING
    )
    INSERT INTO analysis_evaluations
      (rollout_id, at, gate, kind, verdict, value, threshold, unit, reason, query_hash, query_series, "window", step, canary_weight, evidence)
    SELECT rollout_id, at, gate, kind, verdict, value, threshold, unit, reason, query_hash, query_series::jsonb, "window", step, canary_weight, evidence::jsonb
    FROM unnest(
      ${column((r) => r.rolloutId)}::uuid[], ${column((r) => r.at)}::timestamptz[], ${column((r) => r.evaluation.gate)}::text[],
      ${column((r) => r.evaluation.kind)}::text[], ${column((r) => r.evaluation.verdict)}::text[], ${column((r) => finite(r.evaluation.value))}::float8[],
      ${column((r) => finite(r.evaluation.threshold))}::float8[], ${column((r) => r.evaluation.unit)}::text[], ${column((r) => r.evaluation.reason)}::text[],
      ${column((r) => (r.query === null ? null : hashOf(r.query)))}::text[], ${column((r) => json(r.querySeries))}::text[], ${column((r) => r.window)}::text[],
      ${column((r) => r.step)}::int[], ${column((r) => r.canaryWeight)}::int[], ${column((r) => json(r.evidence))}::text[]
    ) AS e(rollout_id, at, gate, kind, verdict, value, threshold, unit, reason, query_hash, query_series, "window", step, canary_weight, evidence)`;
}

const SELECT = {
  id: true,
  rolloutId: true,
  at: true,
  gate: true,
  kind: true,
  verdict: true,
  value: true,
  threshold: true,
  unit: true,
  reason: true,
  query: true,
  queryHash: true,
  querySeries: true,
  window: true,
  step: true,
  canaryWeight: true,
} as const;

/** Evaluations of one rollout in [from, to], oldest first, at most `limit` (the newest ones). */
export async function listEvaluations(
  db: Db,
  rolloutId: string,
  { from, to, limit = 5_000 }: { from: Date; to?: Date; limit?: number },
): Promise<StoredEvaluation[]> {
  const rows = await db.analysisEvaluation.findMany({
    where: { rolloutId, at: { gte: from, ...(to ? { lte: to } : {}) } },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit,
    select: SELECT,
  });
  // Each text once: the rows of a step share a handful of them, and a grouped one is large.
  const hashes = [...new Set(rows.flatMap((row) => (row.queryHash ? [row.queryHash] : [])))];
  const texts = new Map(
    hashes.length === 0 ? [] : (await db.analysisQuery.findMany({ where: { hash: { in: hashes } } })).map(({ hash, text }) => [hash, text] as const),
  );
  return rows.reverse().map(({ querySeries, queryHash, ...row }) => ({
    ...row,
    verdict: row.verdict as Verdict,
    query: (queryHash ? texts.get(queryHash) : undefined) ?? row.query,
    queryId: queryHash,
    querySeries: (querySeries ?? null) as Record<string, string> | null,
  }));
}

/**
 * The evaluations since each rollout's own `from`, for several rollouts in one statement (the
 * loop's history for its decisions: its cost per pass does not grow by a query per rollout), at
 * most `limitPerRollout` each (the newest), oldest first. Without their query texts: decisions
 * read none, and a grouped query's text is large.
 */
export async function evaluationsSince(db: Db, since: ReadonlyMap<string, Date>, { limitPerRollout = 5_000 } = {}): Promise<Map<string, StoredEvaluation[]>> {
  const result = new Map<string, StoredEvaluation[]>([...since.keys()].map((id) => [id, []]));
  if (since.size === 0) return result;
  const ids = [...since.keys()];
  const froms = ids.map((id) => since.get(id)!.toISOString());
  const rows = await db.$queryRaw<(Omit<StoredEvaluation, "verdict"> & { verdict: string })[]>`
    SELECT id, "rolloutId", at, gate, kind, verdict, value, threshold, unit, reason, NULL::text AS query, NULL::jsonb AS "querySeries", "window", step, "canaryWeight"
    FROM (
      SELECT e.id, e.rollout_id::text AS "rolloutId", e.at, e.gate, e.kind, e.verdict, e.value, e.threshold, e.unit, e.reason,
             e."window", e.step, e.canary_weight AS "canaryWeight",
             row_number() OVER (PARTITION BY e.rollout_id ORDER BY e.at DESC, e.id DESC) AS n
      FROM unnest(${ids}::uuid[], ${froms}::timestamptz[]) AS s(rollout_id, since)
      JOIN analysis_evaluations e ON e.rollout_id = s.rollout_id AND e.at >= s.since
    ) AS newest
    WHERE n <= ${limitPerRollout}
    ORDER BY at ASC, id ASC`;
  for (const row of rows) result.get(row.rolloutId)?.push({ ...row, verdict: row.verdict as Verdict });
  return result;
}

/** When any gate of the rollout was last evaluated, however long ago; null before the first. */
export async function newestEvaluationAt(db: Db, rolloutId: string): Promise<Date | null> {
  const newest = await db.analysisEvaluation.findFirst({ where: { rolloutId }, orderBy: { at: "desc" }, select: { at: true } });
  return newest?.at ?? null;
}

/**
 * The rollout's latest rollback by analysis that succeeded, from the audit log (its reason names
 * the gate): what its page says once analysis has rolled it back. Beside the evaluations it explains.
 */
export async function latestAnalysisRollback(db: Db, rolloutId: string): Promise<{ at: Date; reason: string | null } | null> {
  return db.auditEvent.findFirst({
    where: { rolloutId, action: "rollback", outcome: "success", actorId: ANALYSIS_ACTOR.id },
    orderBy: { id: "desc" },
    select: { at: true, reason: true },
  });
}

/** Bounded retention: drops evaluations older than `before`, then the query texts none refers to. Returns how many evaluations. */
export async function pruneEvaluations(db: Db, before: Date): Promise<number> {
  const { count } = await db.analysisEvaluation.deleteMany({ where: { at: { lt: before } } });
  // A pass committing meanwhile may refer to a text this is about to drop: the foreign key makes
  // the delete fail rather than orphan it, and the next prune tries again.
  await db.$executeRaw`DELETE FROM analysis_queries q WHERE NOT EXISTS (SELECT 1 FROM analysis_evaluations e WHERE e.query_hash = q.hash)`.catch(
    (error: Error) => {
      if (!/foreign key|23503/i.test(error.message)) throw error;
    },
  );
  return count;
}
