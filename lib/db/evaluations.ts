import type { EvaluationRecord, GateEvaluation, Verdict } from "../domain/analysis/evaluate";
import type { Db } from "./client";
import type { Prisma } from "./generated/client";

/** A stored evaluation: one gate's verdict at one moment, with what it was measured from. */
export type StoredEvaluation = EvaluationRecord<Date> & { id: bigint; rolloutId: string; step: number | null };

export type NewEvaluation = {
  rolloutId: string;
  at: Date;
  evaluation: GateEvaluation;
  query: string | null;
  window: string;
  step: number | null;
  canaryWeight: number;
  evidence?: unknown;
};

const finite = (value: number | null) => (value === null || Number.isFinite(value) ? value : null);

export async function insertEvaluations(db: Db, rows: readonly NewEvaluation[]): Promise<void> {
  if (rows.length === 0) return;
  await db.analysisEvaluation.createMany({
    data: rows.map(({ rolloutId, at, evaluation, query, window, step, canaryWeight, evidence }) => ({
      rolloutId,
      at,
      gate: evaluation.gate,
      kind: evaluation.kind,
      verdict: evaluation.verdict,
      value: finite(evaluation.value),
      threshold: finite(evaluation.threshold),
      unit: evaluation.unit,
      reason: evaluation.reason,
      query,
      window,
      step,
      canaryWeight,
      evidence: evidence === undefined ? undefined : (JSON.parse(JSON.stringify(evidence)) as Prisma.InputJsonValue),
    })),
  });
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
  return rows.reverse().map((row) => ({ ...row, verdict: row.verdict as Verdict }));
}

/**
 * The evaluations since each rollout's own `from`, for several rollouts in one statement (the
 * loop's history for its decisions: its cost per pass does not grow by a query per rollout), at
 * most `limitPerRollout` each (the newest), oldest first.
 */
export async function evaluationsSince(db: Db, since: ReadonlyMap<string, Date>, { limitPerRollout = 5_000 } = {}): Promise<Map<string, StoredEvaluation[]>> {
  const result = new Map<string, StoredEvaluation[]>([...since.keys()].map((id) => [id, []]));
  if (since.size === 0) return result;
  const ids = [...since.keys()];
  const froms = ids.map((id) => since.get(id)!.toISOString());
  const rows = await db.$queryRaw<(Omit<StoredEvaluation, "verdict"> & { verdict: string })[]>`
    SELECT id, "rolloutId", at, gate, kind, verdict, value, threshold, unit, reason, query, "window", step, "canaryWeight"
    FROM (
      SELECT e.id, e.rollout_id::text AS "rolloutId", e.at, e.gate, e.kind, e.verdict, e.value, e.threshold, e.unit, e.reason, e.query,
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

/** Bounded retention: drops evaluations older than `before`. Returns how many. */
export async function pruneEvaluations(db: Db, before: Date): Promise<number> {
  const { count } = await db.analysisEvaluation.deleteMany({ where: { at: { lt: before } } });
  return count;
}
