import path from "node:path";
import { startEmbeddedPostgres } from "../../lib/db/embedded-postgres";
import { migrateDatabase } from "../../lib/db/migrate";
import { parseServerEnv } from "../../lib/env";
import { log } from "./log";

/**
 * The database the app runs on: DATABASE_URL when given, else an embedded PostgreSQL with its
 * data under AVIARY_DATA_DIR. Either way migrations are applied before the app starts.
 */
export async function prepareDatabase({ dataDir, port }: { dataDir?: string; port?: number } = {}) {
  const env = parseServerEnv();
  let url = env.DATABASE_URL;
  let stop = async () => {};
  if (url) {
    log("db", `using DATABASE_URL (${redact(url)})`);
  } else {
    const dir = path.resolve(dataDir ?? path.join(env.AVIARY_DATA_DIR, "postgres"));
    const pgPort = port ?? env.AVIARY_PG_PORT;
    log("db", `starting embedded PostgreSQL on 127.0.0.1:${pgPort} (data in ${path.relative(process.cwd(), dir) || dir})`);
    const server = await startEmbeddedPostgres({ dataDir: dir, port: pgPort, log: (line) => log("db", line) });
    url = server.url;
    stop = async () => {
      log("db", "stopping embedded PostgreSQL");
      await server.stop();
    };
  }
  try {
    const result = await migrateDatabase({ databaseUrl: url, log: (line) => log("db", line) });
    log("db", `schema up to date (${result.applied.length} applied now, ${result.alreadyApplied.length} before)`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

export function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
