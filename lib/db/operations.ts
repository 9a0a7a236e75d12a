import type { TargetState } from "../domain/rollout-actions";
import type { Actor } from "../domain/actor";
import type { DbTx } from "./rollouts";

/** The intent log (rollout_operations): what Aviary is about to write to a VirtualService. */
export type PendingOperation = {
  id: bigint;
  rolloutId: string;
  action: string;
  fromState: TargetState;
  toState: TargetState;
  resourceVersionBefore: string | null;
  actor: Actor;
  reason: string | null;
  requestId: string | null;
  clientAddress: string | null;
  startedAt: Date;
};

export async function recordIntent(tx: DbTx, op: Omit<PendingOperation, "id" | "startedAt">): Promise<PendingOperation> {
  const row = await tx.rolloutOperation.create({
    data: {
      rolloutId: op.rolloutId,
      action: op.action,
      fromState: op.fromState,
      toState: op.toState,
      resourceVersionBefore: op.resourceVersionBefore,
      actorId: op.actor.id,
      actorEmail: op.actor.email,
      actorRole: op.actor.role,
      reason: op.reason,
      requestId: op.requestId,
      clientAddress: op.clientAddress,
    },
  });
  return { ...op, id: row.id, startedAt: row.startedAt };
}

export async function finishOperation(
  tx: DbTx,
  id: bigint,
  outcome: { status: "applied" | "failed"; resourceVersionAfter?: string | null; error?: string | null; at: Date },
) {
  await tx.rolloutOperation.update({
    where: { id },
    data: { status: outcome.status, resourceVersionAfter: outcome.resourceVersionAfter ?? null, error: outcome.error ?? null, finishedAt: outcome.at },
  });
}

export async function findPendingOperations(tx: DbTx, rolloutId: string): Promise<PendingOperation[]> {
  const rows = await tx.rolloutOperation.findMany({ where: { rolloutId, status: "pending" }, orderBy: { id: "asc" } });
  return rows.map((row) => ({
    id: row.id,
    rolloutId: row.rolloutId,
    action: row.action,
    fromState: row.fromState as TargetState,
    toState: row.toState as TargetState,
    resourceVersionBefore: row.resourceVersionBefore,
    actor: { id: row.actorId, email: row.actorEmail, role: (row.actorRole ?? "operator") as Actor["role"] },
    reason: row.reason,
    requestId: row.requestId,
    clientAddress: row.clientAddress,
    startedAt: row.startedAt,
  }));
}

/** What a read shows of an interrupted operation: enough to say what it was, when, and to what weight. */
export type UnconfirmedOperation = { action: string; startedAt: Date; toCanaryWeight: number };

/** The oldest operation of a rollout still pending (a read reports it; reconciliation finishes it). */
export async function findUnconfirmedOperation(tx: DbTx, rolloutId: string): Promise<UnconfirmedOperation | null> {
  const row = await tx.rolloutOperation.findFirst({
    where: { rolloutId, status: "pending" },
    orderBy: { id: "asc" },
    select: { action: true, startedAt: true, toState: true },
  });
  return row ? { action: row.action, startedAt: row.startedAt, toCanaryWeight: (row.toState as TargetState).canaryWeight } : null;
}

/** Every rollout with an operation still pending, oldest operation first. */
export async function listRolloutsWithPendingOperations(tx: DbTx): Promise<string[]> {
  const rows = await tx.rolloutOperation.findMany({ where: { status: "pending" }, orderBy: { id: "asc" }, select: { rolloutId: true } });
  return [...new Set(rows.map((row) => row.rolloutId))];
}
