import path from "node:path";
import { parseServerEnv } from "../lib/env";
import { prepareDatabase } from "./lib/database";
import { log } from "./lib/log";
import { buildIfStale } from "./lib/next-build";
import { handleSignals, onShutdown, runChild } from "./lib/processes";
import { seedDemo } from "./seed";

/**
 * `npm run demo`: everything a newcomer needs on one machine. The embedded database with
 * migrations and seeded rollouts, then the production build of the app on a printed URL.
 */
async function main() {
  handleSignals();
  const env = parseServerEnv();
  buildIfStale();
  const database = await prepareDatabase({ dataDir: path.join(env.AVIARY_DATA_DIR, "demo", "postgres") });
  onShutdown(database.stop);
  await seedDemo(database.url);
  const next = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
  runChild(process.execPath, [next, "start", "--port", String(env.PORT), "--hostname", "127.0.0.1"], {
    env: { DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1" },
  });
  log("demo", `Aviary demo is starting at http://127.0.0.1:${env.PORT}  (Ctrl-C stops everything)`);
}

main().catch((error: unknown) => {
  console.error(`\nThe demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
