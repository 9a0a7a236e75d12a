import type { Prisma } from "./generated/client";
import type { Db } from "./client";

/** A transaction as use cases hold it: they pass it to repositories and never touch its models. */
export type Tx = Prisma.TransactionClient;

/**
 * Runs `work` in one database transaction: a change and its audit event commit together or not at
 * all. The one place outside the repositories that opens one, so use cases need no Prisma.
 */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(work);
}
