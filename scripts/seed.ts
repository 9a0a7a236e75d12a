import { AppError } from "../lib/app-error";
import type { Rollout } from "../lib/domain/rollout";
import { locateRoute, weightPatch } from "../lib/domain/virtual-service-route";
import type { RequestContext } from "../lib/domain/actor";
import { actOnRollout } from "../lib/server/act-on-rollout";
import { createRollout } from "../lib/server/create-rollout";
import { getDeps, type Deps } from "../lib/composition/deps";
import { unwrap } from "../lib/server/write-weights";
import { DEMO_SERVICES, type DemoService } from "./lib/demo-rollouts";
import { log } from "./lib/log";

const SEED_CONTEXT: RequestContext = { actor: { id: "demo-seed", email: null, role: "admin" }, requestId: "demo-seed", clientAddress: null };

/**
 * Creates the demo rollouts that do not exist yet and takes each new one through its warm-up
 * actions (start, promote) with the same use cases the UI calls, so the cluster's weights, the
 * audit log and the charts agree from the first minute. Existing rollouts are left alone, which
 * makes this safe on every demo start. Needs DATABASE_URL and AVIARY_CLUSTERS in process.env.
 */
export async function seedDemo({ services = DEMO_SERVICES, analysis = false }: { services?: readonly DemoService[]; analysis?: boolean } = {}): Promise<void> {
  const deps = getDeps();
  try {
    for (const service of services) {
      const rollout = await createIfMissing(deps, service, analysis);
      if (rollout) await warmUp(deps, rollout, service);
    }
  } finally {
    await deps.db.$disconnect();
  }
}

async function createIfMissing(deps: Deps, { definition, analysis }: DemoService, withAnalysis: boolean): Promise<Rollout | null> {
  try {
    return await createRollout(deps, { input: withAnalysis ? { ...definition, analysis } : definition, context: SEED_CONTEXT });
  } catch (error) {
    if (!(error instanceof AppError && error.code === "CONFLICT")) throw error;
    log("seed", `${definition.namespace}/${definition.name} exists already, left as it is`);
    return null;
  }
}

async function warmUp(deps: Deps, created: Rollout, { warmUp: actions }: DemoService): Promise<void> {
  const where = `${created.namespace}/${created.name}`;
  try {
    await clearLeftoverCanaryWeight(deps, created);
    let rollout = created;
    for (const action of actions) {
      rollout = await actOnRollout(deps, { id: rollout.id, input: { action, reason: "demo warm-up" }, context: SEED_CONTEXT });
    }
    log("seed", `created ${where}: ${rollout.status}, canary at ${rollout.canaryWeight}%`);
  } catch (error) {
    // The demo is still worth running with a draft: say why and carry on.
    log("seed", `created ${where} as a draft; warming it up failed: ${(unwrap(error) as Error).message}`);
  }
}

/**
 * A new rollout starts from 0% canary. If the sandbox cluster kept weights from an earlier demo
 * whose database was since removed, starting would rightly refuse on drift; this rollout has
 * no history yet, so put its route back to all-stable first.
 */
async function clearLeftoverCanaryWeight(deps: Deps, rollout: Rollout): Promise<void> {
  const ref = { cluster: rollout.cluster, namespace: rollout.namespace, name: rollout.virtualService };
  const vs = await deps.kube.readVirtualService(ref);
  const located = locateRoute(vs, rollout);
  if (located.canaryWeight === 0) return;
  log("seed", `${rollout.namespace}/${rollout.virtualService} still sends ${located.canaryWeight}% to the canary from an earlier demo; resetting it to 0%`);
  await deps.kube.patchVirtualService({ ...ref, ops: weightPatch(vs, located, 0) });
}
