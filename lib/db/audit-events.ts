import { createHash } from "node:crypto";
import type { Prisma } from "./generated/client";

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
};

// One lock for the whole chain: events are rare (human actions), so serializing them is cheap.
const CHAIN_LOCK = 0x61766961; // "avia"

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === "object" && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
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

export async function appendAuditEvent(tx: Prisma.TransactionClient, event: NewAuditEvent) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? null;
  const content = {
    at: new Date().toISOString(),
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
