import pg from "pg";
import { AppError } from "../app-error";
import { databaseUrl } from "../env";

/**
 * Serializes actions on one rollout across every Aviary replica sharing the database: a
 * PostgreSQL session advisory lock keyed by the rollout id, held on a dedicated connection for
 * the whole action (read, patch, record). If the process dies, the connection closes and the
 * lock is released, which is also how reconciliation knows an operation's owner is gone.
 */
const LOCK_SPACE = 0x41565259; // "AVRY"
const globalForLocks = globalThis as unknown as { aviaryLockPool?: pg.Pool; aviaryLockUrl?: string };

function pool(): pg.Pool {
  const url = databaseUrl();
  if (!globalForLocks.aviaryLockPool || globalForLocks.aviaryLockUrl !== url) {
    globalForLocks.aviaryLockPool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 20_000 });
    globalForLocks.aviaryLockUrl = url;
  }
  return globalForLocks.aviaryLockPool;
}

export async function withRolloutLock<T>(rolloutId: string, fn: () => Promise<T>, { waitMs = 15_000 } = {}): Promise<T> {
  const client = await pool().connect();
  try {
    await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(waitMs))}`);
    try {
      await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [LOCK_SPACE, rolloutId]);
    } catch (error) {
      if ((error as { code?: string }).code === "55P03") {
        throw new AppError("CONFLICT", `another action on this rollout is still running after ${waitMs / 1000} s; try again`);
      }
      throw error;
    }
    try {
      return await fn();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_SPACE, rolloutId]);
    }
  } finally {
    client.release();
  }
}

/** Takes the lock only if free: used by readers to reconcile work whose owner is gone. */
export async function tryWithRolloutLock<T>(rolloutId: string, fn: () => Promise<T>): Promise<T | null> {
  const client = await pool().connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked", [LOCK_SPACE, rolloutId]);
    if (!rows[0]?.locked) return null;
    try {
      return await fn();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_SPACE, rolloutId]);
    }
  } finally {
    client.release();
  }
}
