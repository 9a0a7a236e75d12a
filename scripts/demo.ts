import path from "node:path";
import { parseServerEnv } from "../lib/env";
import { buildIfStale } from "./lib/next-build";
import { handleSignals, shutdown } from "./lib/processes";
import { assertStackCanStart, describeStack, startStack } from "./lib/stack";

/**
 * `npm run demo`: everything a newcomer needs on one machine. Three live canaries (healthy,
 * erroring, slow) on a sandbox cluster and mesh, a real Prometheus, the app on a printed URL.
 * State lives in AVIARY_DATA_DIR/demo, so a restart picks up where the last run stopped.
 */
async function main() {
  handleSignals();
  const env = parseServerEnv();
  await assertStackCanStart({ appPort: env.PORT });
  buildIfStale();
  const stack = await startStack({ dataDir: path.join(env.AVIARY_DATA_DIR, "demo"), appPort: env.PORT, fresh: false, seed: true, analysis: true });
  console.log(`\n${describeStack(stack, "Aviary demo is running")}\n`);
}

main().catch(async (error: unknown) => {
  console.error(`\nThe demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});
