import type { Db } from "./client";

/**
 * Rollouts the analysis loop left for a later pass for lack of query budget. The leader writes
 * them (any replica's page reads them), and deletes a rollout's row when it is evaluated again.
 */
export type AnalysisDeferralRow = { rolloutId: string; since: Date; at: Date; wanted: number; left: number; budget: number };

/**
 * One statement for all of a pass's deferrals. `since` comes from the leader's line, so a row
 * left by an earlier leader (or wait) cannot make a new wait look older than it is.
 */
export async function recordDeferrals(db: Db, rows: readonly AnalysisDeferralRow[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof AnalysisDeferralRow>(key: K) => rows.map((row) => row[key]);
  const iso = (dates: Date[]) => dates.map((date) => date.toISOString());
  await db.$executeRaw`
    INSERT INTO analysis_deferrals (rollout_id, since, at, wanted, "left", budget)
    SELECT * FROM unnest(${column("rolloutId")}::text[]::uuid[], ${iso(column("since"))}::text[]::timestamptz[], ${iso(column("at"))}::text[]::timestamptz[],
                         ${column("wanted")}::int[], ${column("left")}::int[], ${column("budget")}::int[])
    ON CONFLICT (rollout_id) DO UPDATE SET since = EXCLUDED.since, at = EXCLUDED.at, wanted = EXCLUDED.wanted, "left" = EXCLUDED."left", budget = EXCLUDED.budget`;
}

export async function clearDeferrals(db: Db, rolloutIds: readonly string[]): Promise<void> {
  if (rolloutIds.length === 0) return;
  await db.analysisDeferral.deleteMany({ where: { rolloutId: { in: [...rolloutIds] } } });
}

export function deferralOf(db: Db, rolloutId: string): Promise<AnalysisDeferralRow | null> {
  return db.analysisDeferral.findUnique({ where: { rolloutId } });
}
