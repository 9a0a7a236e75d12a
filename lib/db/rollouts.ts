import { Prisma, type Rollout as RolloutRow } from "./generated/client";
import type { Db } from "./client";
import { AppError } from "../app-error";
import type { Analysis } from "../domain/analysis/definition";
import type { Approvals } from "../domain/approvals/definition";
import type { Notifications } from "../domain/notifications/definition";
import type { Destination, Rollout, RolloutDefinition, RolloutStatus, Step } from "../domain/rollout";

/** Rollout rows <-> domain objects. Everything that reads or writes the rollouts table lives here. */

export type DbTx = Prisma.TransactionClient | Db;

export function toRollout(row: RolloutRow): Rollout {
  return {
    id: row.id,
    name: row.name,
    namespace: row.namespace,
    cluster: row.cluster,
    virtualService: row.virtualService,
    ...(row.route === null ? {} : { route: row.route }),
    // JSON columns are only ever written from zod-validated definitions (create/update below).
    stable: row.stable as Destination,
    canary: row.canary as Destination,
    steps: row.steps as Step[],
    metrics: { stableWorkload: row.stableWorkload, canaryWorkload: row.canaryWorkload },
    slo: { availability: row.sloAvailability, latencyP95Ms: row.sloLatencyP95Ms },
    ...(row.analysis === null ? {} : { analysis: row.analysis as Analysis }),
    ...(row.notifications === null ? {} : { notifications: row.notifications as Notifications }),
    ...(row.approvals === null ? {} : { approvals: row.approvals as Approvals }),
    status: row.status as RolloutStatus,
    currentStep: row.currentStep,
    canaryWeight: row.canaryWeight,
    revision: row.revision,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    archivedAt: row.archivedAt,
    stepStartedAt: row.stepStartedAt,
  };
}

function definitionColumns(def: RolloutDefinition) {
  return {
    name: def.name,
    namespace: def.namespace,
    cluster: def.cluster,
    virtualService: def.virtualService,
    route: def.route ?? null,
    stable: def.stable,
    canary: def.canary,
    steps: def.steps,
    stableWorkload: def.metrics.stableWorkload,
    canaryWorkload: def.metrics.canaryWorkload,
    sloAvailability: def.slo.availability,
    sloLatencyP95Ms: def.slo.latencyP95Ms,
    analysis: def.analysis ?? Prisma.DbNull,
    notifications: def.notifications ?? Prisma.DbNull,
    approvals: def.approvals ?? Prisma.DbNull,
  };
}

/** Prisma's unique-constraint code stays here: callers see the domain's conflict, naming the field. */
function nameTaken(error: unknown, def: RolloutDefinition): unknown {
  if ((error as { code?: string }).code !== "P2002") return error;
  const message = `a rollout named "${def.name}" already exists in namespace "${def.namespace}" of cluster "${def.cluster}" (archived ones keep their name)`;
  return new AppError("CONFLICT", message, { fields: { name: message } });
}

export async function insertRollout(tx: DbTx, def: RolloutDefinition): Promise<Rollout> {
  return toRollout(
    await tx.rollout.create({ data: definitionColumns(def) }).catch((error: unknown) => {
      throw nameTaken(error, def);
    }),
  );
}

export async function findRollout(tx: DbTx, id: string): Promise<Rollout | null> {
  const row = await tx.rollout.findUnique({ where: { id } });
  return row ? toRollout(row) : null;
}

/**
 * Reads the rollout and holds its row lock until the transaction ends, so that actions and edits
 * on one rollout are serialized even across several Aviary replicas sharing the database.
 */
export async function lockRollout(tx: Prisma.TransactionClient, id: string): Promise<Rollout | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM rollouts WHERE id = ${id}::uuid FOR UPDATE`;
  if (locked.length === 0) return null;
  return findRollout(tx, id);
}

export async function listRollouts(
  tx: DbTx,
  { includeArchived = false, statuses }: { includeArchived?: boolean; statuses?: RolloutStatus[] } = {},
): Promise<Rollout[]> {
  const rows = await tx.rollout.findMany({
    where: {
      ...(statuses ? { status: { in: statuses } } : includeArchived ? {} : { status: { not: "archived" } }),
    },
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
  });
  return rows.map(toRollout);
}

export async function updateRolloutDefinition(tx: DbTx, id: string, def: RolloutDefinition): Promise<Rollout> {
  const row = await tx.rollout.update({ where: { id }, data: { ...definitionColumns(def), revision: { increment: 1 } } }).catch((error: unknown) => {
    throw nameTaken(error, def);
  });
  return toRollout(row);
}

export async function archiveRolloutRow(tx: DbTx, id: string, at: Date): Promise<Rollout> {
  const row = await tx.rollout.update({
    where: { id },
    data: { status: "archived", archivedAt: at, revision: { increment: 1 } },
  });
  return toRollout(row);
}

export async function applyRolloutState(
  tx: DbTx,
  id: string,
  state: { status: RolloutStatus; currentStep: number | null; canaryWeight: number },
  { stepChanged, at }: { stepChanged: boolean; at: Date },
): Promise<Rollout> {
  const row = await tx.rollout.update({
    where: { id },
    data: { ...state, revision: { increment: 1 }, ...(stepChanged ? { stepStartedAt: at } : {}) },
  });
  return toRollout(row);
}
