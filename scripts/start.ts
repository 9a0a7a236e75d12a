import { mkdir } from "node:fs/promises";
import path from "node:path";
import { auditKeyEnv } from "./lib/audit-key";
import { prepareDatabase } from "./lib/database";
import { log } from "./lib/log";
import { appCommand } from "./lib/app-command";
import { handleSignals, onShutdown, runChild } from "./lib/processes";
import { parseAuthConfig } from "../lib/auth/config";
import { parseServerEnv } from "../lib/env";
import { localSignInEnv } from "./lib/stack-parts";

/** `npm run dev` / `npm start`: the database (embedded unless DATABASE_URL), then Next.js. */
const mode = process.argv[2] === "dev" ? "dev" : "start";

async function main() {
  handleSignals();
  const env = parseServerEnv();
  // Development signs in as a demo user unless told otherwise; `npm start` is a deployment and
  // must say how people sign in (AVIARY_AUTH_MODE), checked here so a mistake stops start-up.
  await mkdir(path.resolve(env.AVIARY_DATA_DIR), { recursive: true });
  const signIn = mode === "dev" && !process.env.AVIARY_AUTH_MODE ? await localSignInEnv(path.resolve(env.AVIARY_DATA_DIR)) : {};
  parseAuthConfig({ ...process.env, NODE_ENV: mode === "dev" ? "development" : "production", ...signIn });
  // A deployment on its own database must be given the audit key; development may keep one locally.
  const auditKey = await auditKeyEnv({ dataDir: path.resolve(env.AVIARY_DATA_DIR), externalDatabase: mode === "start" && Boolean(env.DATABASE_URL) });
  const database = await prepareDatabase();
  onShutdown(database.stop);
  const app = appCommand({ repoRoot: process.cwd(), mode, port: env.PORT });
  log("app", `starting Next.js (${mode}) on http://127.0.0.1:${env.PORT}`);
  runChild(app.command, app.args, {
    env: { DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1", ...signIn, ...auditKey },
  });
}

main().catch((error: unknown) => {
  console.error(`\nAviary could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
