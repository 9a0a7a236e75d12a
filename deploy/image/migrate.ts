import { migrateDatabase } from "../../lib/db/migrate";
import { userOf } from "../../lib/db/runtime-grants";
import { parseServerEnv } from "../../lib/env";

/**
 * The image's migration command (`node migrate.mjs`, e.g. a Kubernetes Job before a rollout),
 * bundled by deploy/image/bundle-entries.mjs: `npm run db:migrate` without tsx or the embedded
 * PostgreSQL. Applies /app/prisma/migrations as AVIARY_MIGRATION_DATABASE_URL (the owner role;
 * DATABASE_URL's when unset), then grants DATABASE_URL's role what the app needs.
 */
/** Host and database only: the log must never carry a password. */
const where = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname}`;
};

async function main() {
  const env = parseServerEnv();
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set: the image migrates an external PostgreSQL only");
  const ownerUrl = env.AVIARY_MIGRATION_DATABASE_URL ?? env.DATABASE_URL;
  console.log(`migrating ${where(ownerUrl)} as ${userOf(ownerUrl)}; the app connects as ${userOf(env.DATABASE_URL)}`);
  const result = await migrateDatabase({ databaseUrl: ownerUrl, runtimeRole: userOf(env.DATABASE_URL), log: (line) => console.log(line) });
  console.log(`schema up to date (${result.applied.length} applied now, ${result.alreadyApplied.length} before)`);
}

main().catch((error: unknown) => {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
