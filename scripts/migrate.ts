import { prepareDatabase } from "./lib/database";

/** `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (or the embedded database). */
prepareDatabase()
  .then((database) => database.stop())
  .catch((error: unknown) => {
    console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
