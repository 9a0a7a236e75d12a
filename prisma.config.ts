import { defineConfig } from "prisma/config";

// Only the CLI reads this file (`prisma generate`, `prisma migrate deploy`).
// The app and scripts resolve the database URL in lib/db/database-url.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://aviary@127.0.0.1:5432/aviary" },
});
