import path from "node:path";
import { startEmbeddedPostgres } from "../../lib/db/embedded-postgres";
import { migrateDatabase } from "../../lib/db/migrate";
import { readMigrationStatus } from "../../lib/db/migration-status";
import { decideStartup } from "../../lib/db/startup-check";
import { userOf } from "../../lib/db/runtime-grants";
import { parseServerEnv, type Env } from "../../lib/env";
import { log } from "./log";

/**
 * The database the app runs on: DATABASE_URL when given, else an embedded PostgreSQL with its
 * data under AVIARY_DATA_DIR. Migrations are applied before the app starts, as the owner role
 * (AVIARY_MIGRATION_DATABASE_URL, or the embedded server's own), which then grants the app's role
 * what it needs. DATABASE_URL alone is often the app's role, which may not migrate: then the
 * schema is looked at first, read-only and without the migration lock, and the app starts when
 * nothing is pending (lib/db/startup-check.ts), so replicas need no owner credentials.
 */
export async function prepareDatabase({ dataDir, port, environment }: { dataDir?: string; port?: number; environment?: Env } = {}) {
  const env = parseServerEnv(environment);
  let url = env.DATABASE_URL;
  let ownerUrl = env.AVIARY_MIGRATION_DATABASE_URL ?? url;
  let stop = async () => {};
  if (url) {
    log("db", `using DATABASE_URL (${redact(url)})`);
    if (env.AVIARY_MIGRATION_DATABASE_URL)
      log("db", `migrating as ${userOf(env.AVIARY_MIGRATION_DATABASE_URL)} (AVIARY_MIGRATION_DATABASE_URL), the app connects as ${userOf(url)}`);
  } else {
    if (env.AVIARY_MIGRATION_DATABASE_URL) {
      throw new Error(
        "AVIARY_MIGRATION_DATABASE_URL is set but DATABASE_URL is not: set both, or neither to use the embedded PostgreSQL (which creates its own roles).",
      );
    }
    const dir = path.resolve(dataDir ?? path.join(env.AVIARY_DATA_DIR, "postgres"));
    const pgPort = port ?? env.AVIARY_PG_PORT;
    log("db", `starting embedded PostgreSQL on 127.0.0.1:${pgPort} (data in ${path.relative(process.cwd(), dir) || dir})`);
    const server = await startEmbeddedPostgres({ dataDir: dir, port: pgPort, log: (line) => log("db", line) });
    url = server.appUrl;
    ownerUrl = server.ownerUrl;
    stop = async () => {
      log("db", "stopping embedded PostgreSQL");
      await server.stop();
    };
  }
  try {
    const runtimeRole = userOf(url);
    if (env.DATABASE_URL && !env.AVIARY_MIGRATION_DATABASE_URL) {
      const decision = decideStartup(await readMigrationStatus({ databaseUrl: url }));
      if (decision.action === "refuse") throw new Error(decision.reason);
      if (decision.action === "start") {
        for (const warning of decision.warnings) log("db", `warning: ${warning}`);
        log("db", `no migrations pending (checked read-only as ${runtimeRole})`);
        return { url, stop };
      }
    }
    const result = await migrateDatabase({ databaseUrl: ownerUrl ?? url, runtimeRole, log: (line) => log("db", line) });
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
