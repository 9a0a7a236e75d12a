import { createHash } from "node:crypto";
import type { AuditEvent, Prisma } from "./generated/client";

/**
 * The append-only audit log. The database refuses UPDATE/DELETE (init migration); in addition
 * each event's hash covers its content and its predecessor's hash, so an edit made with the
 * trigger bypassed breaks the chain visibly.
 */

export type AuditOutcome = "success" | "refused" | "failed";

export type NewAuditEvent = {
  rolloutId?: string | null;
  actor: { id: string; email?: string | null; role?: string | null };
  action: string;
  reason?: string | null;
  outcome: AuditOutcome;
  error?: { code: string; message: string } | null;
  before?: unknown;
  after?: unknown;
  resourceVersionBefore?: string | null;
  resourceVersionAfter?: string | null;
  durationMs?: number | null;
  requestId?: string | null;
  clientAddress?: string | null;
  /** When it happened; defaults to now. Imports and test seeding set it explicitly. */
  at?: Date;
};

/** Exactly the fields the hash covers, in the shape they had when the event was written. */
export type AuditContent = {
  at: string;
  rolloutId: string | null;
  actorId: string;
  actorEmail: string | null;
  actorRole: string | null;
  action: string;
  reason: string | null;
  outcome: string;
  errorCode: string | null;
  errorMessage: string | null;
  before: Prisma.InputJsonValue | null;
  after: Prisma.InputJsonValue | null;
  resourceVersionBefore: string | null;
  resourceVersionAfter: string | null;
  durationMs: number | null;
  requestId: string | null;
  clientAddress: string | null;
};

// One lock for the whole chain: events are rare (human actions), so serializing them is cheap.
const CHAIN_LOCK = 0x61766961; // "avia"

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === "object" && !Array.isArray(inner)) {
      // A fixed locale: the default one follows LANG, and a chain must hash the same on every host.
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b, "en")));
    }
    return typeof inner === "bigint" ? inner.toString() : inner;
  });
}

export function hashEvent(content: Record<string, unknown>, prevHash: string | null): string {
  return createHash("sha256").update(`${prevHash ?? ""}\n${canonicalJson(content)}`).digest("hex");
}

function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  return value === undefined || value === null ? undefined : (JSON.parse(canonicalJson(value)) as Prisma.InputJsonValue);
}

/**
 * The hashed content of a stored row. appendAuditEvent hashes the same shape before inserting,
 * so the verifier (lib/server/verify-audit-chain.ts) recomputes exactly what was hashed.
 */
export function auditContentOf(row: AuditEvent): AuditContent {
  return {
    at: row.at.toISOString(),
    rolloutId: row.rolloutId,
    actorId: row.actorId,
    actorEmail: row.actorEmail,
    actorRole: row.actorRole,
    action: row.action,
    reason: row.reason,
    outcome: row.outcome,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    before: (row.before ?? null) as Prisma.InputJsonValue | null,
    after: (row.after ?? null) as Prisma.InputJsonValue | null,
    resourceVersionBefore: row.resourceVersionBefore,
    resourceVersionAfter: row.resourceVersionAfter,
    durationMs: row.durationMs,
    requestId: row.requestId,
    clientAddress: row.clientAddress,
  };
}

function contentOf(event: NewAuditEvent): AuditContent {
  return {
    at: (event.at ?? new Date()).toISOString(),
    rolloutId: event.rolloutId ?? null,
    actorId: event.actor.id,
    actorEmail: event.actor.email ?? null,
    actorRole: event.actor.role ?? null,
    action: event.action,
    reason: event.reason ?? null,
    outcome: event.outcome,
    errorCode: event.error?.code ?? null,
    errorMessage: event.error?.message ?? null,
    before: toJson(event.before) ?? null,
    after: toJson(event.after) ?? null,
    resourceVersionBefore: event.resourceVersionBefore ?? null,
    resourceVersionAfter: event.resourceVersionAfter ?? null,
    durationMs: event.durationMs ?? null,
    requestId: event.requestId ?? null,
    clientAddress: event.clientAddress ?? null,
  };
}

export async function appendAuditEvent(tx: Prisma.TransactionClient, event: NewAuditEvent) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? null;
  const content = contentOf(event);
  return tx.auditEvent.create({
    data: {
      ...content,
      at: new Date(content.at),
      before: content.before ?? undefined,
      after: content.after ?? undefined,
      prevHash,
      hash: hashEvent(content, prevHash),
    },
  });
}

export async function listAuditEventsForRollout(tx: Prisma.TransactionClient | { auditEvent: Prisma.TransactionClient["auditEvent"] }, rolloutId: string) {
  return tx.auditEvent.findMany({ where: { rolloutId }, orderBy: { id: "asc" } });
}

export async function listRecentAuditEventsForRollout(db: { auditEvent: Prisma.TransactionClient["auditEvent"] }, rolloutId: string, limit: number) {
  return db.auditEvent.findMany({ where: { rolloutId }, orderBy: { id: "desc" }, take: limit });
}

/** One rollout's events in the order they happened, at most `limit` (the timeline). */
export async function findRolloutTimelineEntries(db: { auditEvent: Prisma.TransactionClient["auditEvent"] }, { rolloutId, limit }: { rolloutId: string; limit: number }) {
  return db.auditEvent.findMany({ where: { rolloutId }, orderBy: [{ at: "asc" }, { id: "asc" }], take: limit });
}
