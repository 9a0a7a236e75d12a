import { AppError } from "../lib/app-error";
import { getDeps } from "../lib/server/deps";
import { createRollout } from "../lib/server/create-rollout";
import { DEMO_ROLLOUTS } from "./lib/demo-rollouts";
import { log } from "./lib/log";

const SEED_CONTEXT = { actor: { id: "demo-seed", email: null, role: "admin" as const }, requestId: "demo-seed", clientAddress: null };

/** Creates the demo rollouts that do not exist yet (safe to run on every demo start). */
export async function seedDemo(databaseUrl: string): Promise<void> {
  process.env.DATABASE_URL = databaseUrl;
  const deps = getDeps();
  for (const input of DEMO_ROLLOUTS) {
    try {
      await createRollout(deps, { input, context: SEED_CONTEXT });
      log("seed", `created rollout ${input.namespace}/${input.name}`);
    } catch (error) {
      if (error instanceof AppError && error.code === "CONFLICT") continue;
      throw error;
    }
  }
  await deps.db.$disconnect();
}
