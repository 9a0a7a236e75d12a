import path from "node:path";
import { prepareDatabase } from "./lib/database";
import { log } from "./lib/log";
import { handleSignals, onShutdown, runChild } from "./lib/processes";
import { parseServerEnv } from "../lib/env";

/** `npm run dev` / `npm start`: the database (embedded unless DATABASE_URL), then Next.js. */
const mode = process.argv[2] === "dev" ? "dev" : "start";

async function main() {
  handleSignals();
  const env = parseServerEnv();
  const database = await prepareDatabase();
  onShutdown(database.stop);
  const next = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
  log("app", `starting Next.js (${mode}) on http://127.0.0.1:${env.PORT}`);
  runChild(process.execPath, [next, mode, "--port", String(env.PORT), "--hostname", "127.0.0.1"], {
    env: { DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1" },
  });
}

main().catch((error: unknown) => {
  console.error(`\nAviary could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
