import pg from "pg";
import { AppError } from "../app-error";

/**
 * Serializes actions on one rollout across every Aviary replica sharing the database: a
 * PostgreSQL session advisory lock keyed by the rollout id, held on a dedicated connection for
 * the whole action (read, patch, record). If the process dies, the connection closes and the
 * lock is released, which is also how reconciliation knows an operation's owner is gone.
 *
 * The lock connections come from a pool of their own: an action holds one for its whole length
 * while its queries borrow from the Prisma pool, so sharing one pool could deadlock under load.
 */
export type RolloutLocks = {
  /** Waits up to LOCK_WAIT_MS for the lock (then CONFLICT), runs `fn`, releases. */
  withLock<T>(rolloutId: string, fn: () => Promise<T>): Promise<T>;
  /** Takes the lock only if free (null otherwise): the sweep finishing work whose owner is gone. */
  tryWithLock<T>(rolloutId: string, fn: () => Promise<T>): Promise<T | null>;
  close(): Promise<void>;
};

const LOCK_SPACE = 0x41565259; // "AVRY"
/** How long an action queues behind another on the same rollout before it answers 409. */
const LOCK_WAIT_MS = 15_000;

export function createRolloutLocks(url: string, { max = 10 }: { max?: number } = {}): RolloutLocks {
  // lock_timeout is set once per connection (a startup parameter), not per action: one round trip fewer.
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 20_000, allowExitOnIdle: true, options: `-c lock_timeout=${LOCK_WAIT_MS}` });

  async function holding<T>(client: pg.PoolClient, rolloutId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_SPACE, rolloutId]);
    }
  }

  return {
    async withLock(rolloutId, fn) {
      const client = await pool.connect();
      try {
        try {
          await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [LOCK_SPACE, rolloutId]);
        } catch (error) {
          if ((error as { code?: string }).code === "55P03") {
            throw new AppError("CONFLICT", `another action on this rollout is still running after ${LOCK_WAIT_MS / 1000} s; try again`);
          }
          throw error;
        }
        return await holding(client, rolloutId, fn);
      } finally {
        client.release();
      }
    },
    async tryWithLock(rolloutId, fn) {
      const client = await pool.connect();
      try {
        const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked", [LOCK_SPACE, rolloutId]);
        if (!rows[0]?.locked) return null;
        return await holding(client, rolloutId, fn);
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
