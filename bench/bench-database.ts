import path from "node:path";
import { startEmbeddedPostgres } from "../lib/db/embedded-postgres";
import { migrateDatabase } from "../lib/db/migrate";
import { freePort } from "../test/free-port";

/**
 * A throwaway embedded PostgreSQL for one bench module, under `<root>/postgres`, migrated. The
 * caller stops it (put `stop` first in its teardown list).
 */
export async function startBenchDatabase({
  root,
  log,
}: {
  root: string;
  log: (line: string) => void;
}): Promise<{ url: string; adminUrl: string; stop: () => Promise<void> }> {
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(root, "postgres"),
    port: await freePort(),
    database: "aviary_bench",
    persistent: false,
    log,
  });
  try {
    await migrateDatabase({ databaseUrl: postgres.url });
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  return { url: postgres.url, adminUrl: postgres.adminUrl, stop: () => postgres.stop() };
}
