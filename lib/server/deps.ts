import { getDb, type Db } from "../db/client";

/**
 * The one place where real adapters are chosen. Use cases take these as arguments, so tests can
 * hand them other instances (a test database, a sandbox cluster) without module mocking.
 */
export type Deps = { db: Db; now: () => Date };

export function getDeps(): Deps {
  return { db: getDb(), now: () => new Date() };
}
