import pg from "pg";

/**
 * Leadership among the replicas sharing a database: a PostgreSQL session advisory lock held on a
 * connection of its own. Whoever holds it is the leader; when its process dies the connection
 * closes, PostgreSQL releases the lock, and the next replica to try takes it over. `check()`
 * answers whether this process holds it now, trying to take it when it does not, and notices a
 * lost connection (then leadership is lost until a new connection takes the lock again). It never
 * throws: a database it cannot reach means not leading. Several tasks may share one lock
 * (lib/background: analysis and the pruning of its evaluations): checks at the same moment share
 * one round trip, so they never open two connections.
 */
export type LeaderLock = { check(): Promise<boolean>; release(): Promise<void> };

const LOCK_SPACE = 0x4156524c; // "AVRL": a key space of its own, apart from the rollout locks ("AVRY")
const LEADER_KEY = 0x4c454144; // "LEAD": analysis (and pruning its evaluations)
/** The notification dispatcher's leadership, apart from analysis so either can be turned off per replica. */
export const NOTIFY_LEADER_KEY = 0x4e544659; // "NTFY"

export function createLeaderLock(url: string, { key = LEADER_KEY, name = "aviary-analysis-leader" }: { key?: number; name?: string } = {}): LeaderLock {
  let client: pg.Client | null = null;
  let leader = false;
  let checking: Promise<boolean> | null = null;
  const drop = () => {
    const old = client;
    client = null;
    leader = false;
    void old?.end().catch(() => {});
  };

  const attempt = async (): Promise<boolean> => {
    try {
      if (!client) {
        const fresh = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5_000, application_name: name });
        fresh.on("error", () => {
          if (client === fresh) drop();
        });
        await fresh.connect();
        client = fresh;
      }
      if (leader) {
        await client.query("SELECT 1");
        return true;
      }
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS locked", [LOCK_SPACE, key]);
      leader = rows[0]?.locked === true;
      return leader;
    } catch {
      drop();
      return false;
    }
  };

  return {
    check() {
      checking ??= attempt().finally(() => {
        checking = null;
      });
      return checking;
    },
    async release() {
      await checking; // a connection still being opened must not outlive the release
      const old = client;
      client = null;
      leader = false;
      await old?.end().catch(() => {});
    },
  };
}
