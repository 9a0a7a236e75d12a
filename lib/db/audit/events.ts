import { keyedHash, KEYED_HASH, legacyHash, LEGACY_HASH, storableJson, storableText } from "../../domain/audit/hash";
import { auditKey } from "./key";
import type { AuditEvent, Prisma, PrismaClient } from "../generated/client";
import type { StoredAuditEntry } from "../../domain/audit/entry";

/**
 * The append-only audit log. The database refuses UPDATE/DELETE (init migration); in addition
 * each event's keyed hash covers its content and its predecessor's hash, so an edit made with the
 * trigger bypassed breaks the chain visibly. Text is stored, and hashed, in the form PostgreSQL
 * keeps (storableText), so what was hashed is exactly what can be read back.
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
  /** How many identical requests this one event stands for (folded refusals); 1 by default. */
  repeatCount?: number;
};

/**
 * Exactly the fields the hash covers, in the shape they had when the event was written: the
 * stored event (lib/domain/audit/entry.ts) less its id and chain links, the time as ISO text.
 */
export type AuditContent = Omit<StoredAuditEntry, "id" | "at" | "before" | "after" | "prevHash" | "hash"> & {
  at: string;
  before: Prisma.InputJsonValue | null;
  after: Prisma.InputJsonValue | null;
};

// One lock for the whole chain, in every replica: the migration audit_chain_guard's trigger takes
// the same lock and refuses an event whose prevHash is not the current head, so a writer that
// forgot it fails loudly instead of forking the chain.
const CHAIN_LOCK = 0x61766961; // "avia"

/** The hashed content of a stored row, by the scheme the row names (lib/domain/audit/hash.ts). */
export function auditContentOf(row: StoredAuditEvent): AuditContent {
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
    repeatCount: row.repeatCount,
  };
}

/** An audit row as the database holds it, for use cases that hand rows on (Prisma's type, named here so it stays behind lib/db). */
export type AuditEventRow = AuditEvent;

export type StoredAuditEvent = Omit<AuditEvent, "before" | "after"> & { before: unknown; after: unknown };

/** What a stored row's hash should be, recomputed from its stored columns. */
export function expectedHashOf(row: StoredAuditEvent, key: string = auditKey()): string {
  const content = auditContentOf(row);
  if (row.hashVersion === LEGACY_HASH) {
    // Version 1 predates repeatCount; its events all stand for one request.
    const { repeatCount: _ignored, ...legacy } = content;
    return legacyHash(legacy, row.prevHash);
  }
  return keyedHash({ ...content, hashVersion: row.hashVersion }, row.prevHash, key);
}

function contentOf(event: NewAuditEvent): AuditContent {
  const text = (value: string | null | undefined) => (value === undefined || value === null ? null : storableText(value));
  return {
    at: (event.at ?? new Date()).toISOString(),
    rolloutId: event.rolloutId ?? null,
    actorId: storableText(event.actor.id),
    actorEmail: text(event.actor.email),
    actorRole: text(event.actor.role),
    action: storableText(event.action),
    reason: text(event.reason),
    outcome: event.outcome,
    errorCode: text(event.error?.code),
    errorMessage: text(event.error?.message),
    before: storableJson(event.before) as Prisma.InputJsonValue | null,
    after: storableJson(event.after) as Prisma.InputJsonValue | null,
    resourceVersionBefore: text(event.resourceVersionBefore),
    resourceVersionAfter: text(event.resourceVersionAfter),
    durationMs: event.durationMs ?? null,
    requestId: text(event.requestId),
    clientAddress: text(event.clientAddress),
    repeatCount: event.repeatCount ?? 1,
  };
}

type RootClient = Pick<PrismaClient, "$transaction" | "$disconnect">;

/**
 * Appends one event to the chain. Reading the head and inserting after it must happen under the
 * chain lock inside ONE transaction: given the root client, this opens that transaction itself
 * (an advisory lock taken in autocommit mode is gone before the insert, which is how concurrent
 * refusals once forked the chain).
 */
export async function appendAuditEvent(db: Prisma.TransactionClient | RootClient, event: NewAuditEvent): Promise<AuditEvent> {
  // A transaction client has $transaction too (it would open a savepoint); only the root client can disconnect.
  if ("$disconnect" in db) return db.$transaction((tx) => appendLocked(tx, event));
  return appendLocked(db, event);
}

async function appendLocked(tx: Prisma.TransactionClient, event: NewAuditEvent): Promise<AuditEvent> {
  const key = auditKey();
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
      hashVersion: KEYED_HASH,
      prevHash,
      hash: keyedHash({ ...content, hashVersion: KEYED_HASH }, prevHash, key),
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
export async function findRolloutTimelineEntries(
  db: { auditEvent: Prisma.TransactionClient["auditEvent"] },
  { rolloutId, limit }: { rolloutId: string; limit: number },
) {
  return db.auditEvent.findMany({ where: { rolloutId }, orderBy: [{ at: "asc" }, { id: "asc" }], take: limit });
}
