import type { AuditEvent, Prisma } from "../generated/client";

type AuditEventsOf = { auditEvent: Prisma.TransactionClient["auditEvent"] };

/**
 * A successful event whose `after` holds a canary weight (a JSON number 0..100, the weights the
 * charts trust). jsonb orders strings below numbers and booleans above them, so the two bounds
 * select numbers only.
 */
const SETS_WEIGHT = { outcome: "success", after: { path: ["canaryWeight"], gte: 0, lte: 100 } } satisfies Prisma.AuditEventWhereInput;

/**
 * One rollout's audit events with `at` in [start, end], oldest first, plus the last event before
 * `start` that set a canary weight (so a weight line drawn from `start` begins at the value then
 * in force). Two indexed queries on (rollout_id, at): the cost follows the window, not the
 * rollout's whole history.
 */
export async function listAuditEventsInWindow(
  db: AuditEventsOf,
  { rolloutId, start, end }: { rolloutId: string; start: Date; end: Date },
): Promise<AuditEvent[]> {
  const [before, inside] = await Promise.all([
    db.auditEvent.findFirst({ where: { rolloutId, at: { lt: start }, ...SETS_WEIGHT }, orderBy: [{ at: "desc" }, { id: "desc" }] }),
    db.auditEvent.findMany({ where: { rolloutId, at: { gte: start, lte: end } }, orderBy: [{ at: "asc" }, { id: "asc" }] }),
  ]);
  return before ? [before, ...inside] : inside;
}

/** When the rollout was first started (its first successful `start`), or null while a draft. */
export async function findRolloutStart(db: AuditEventsOf, rolloutId: string): Promise<Date | null> {
  const first = await db.auditEvent.findFirst({
    where: { rolloutId, action: "start", outcome: "success" },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    select: { at: true },
  });
  return first?.at ?? null;
}
