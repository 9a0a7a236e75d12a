import type { Prisma, FreezeWindow as FreezeWindowRow } from "./generated/client";
import type { Db } from "./client";
import type { FreezeRule, FreezeWindow, FreezeWindowInput } from "../domain/freeze/definition";

/** Freeze windows: everything that reads or writes their table. */

type Tx = Prisma.TransactionClient | Db;

function toWindow(row: FreezeWindowRow): FreezeWindow {
  // Only ever written from zod-validated input (createFreezeWindow below).
  return {
    id: row.id,
    name: row.name,
    zone: row.zone,
    rule: row.rule as FreezeRule,
    namespaces: row.namespaces as string[],
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

export async function listFreezeWindows(db: Tx): Promise<FreezeWindow[]> {
  return (await db.freezeWindow.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] })).map(toWindow);
}

export async function insertFreezeWindow(tx: Tx, input: FreezeWindowInput, createdBy: string): Promise<FreezeWindow> {
  return toWindow(await tx.freezeWindow.create({ data: { ...input, rule: input.rule, namespaces: input.namespaces, createdBy } }));
}

export async function deleteFreezeWindow(tx: Tx, id: string): Promise<FreezeWindow | null> {
  const row = await tx.freezeWindow.findUnique({ where: { id } });
  if (!row) return null;
  await tx.freezeWindow.delete({ where: { id } });
  return toWindow(row);
}
