import { findPendingOperations, finishOperation, type PendingOperation } from "../db/operations";
import { applyRolloutState, findRollout } from "../db/rollouts";
import { locateRoute } from "../domain/virtual-service-route";
import { recordAction } from "./action-audit";
import type { Deps } from "./deps";
import { unwrap } from "./write-weights";

/**
 * Finishes operations whose writer stopped between patching the VirtualService and recording
 * the result (a crash, a lost database connection). The cluster is the witness: if it shows the
 * intended weight, the operation is recorded as applied; if not, as failed. Callers hold the
 * rollout's lock, so no live writer can still be working on these operations.
 */
export async function reconcileRollout(deps: Deps, rolloutId: string): Promise<number> {
  const pending = await findPendingOperations(deps.db, rolloutId);
  for (const op of pending) await reconcileOne(deps, op);
  return pending.length;
}

async function reconcileOne(deps: Deps, op: PendingOperation) {
  const rollout = await findRollout(deps.db, op.rolloutId);
  if (!rollout) return;
  const started = performance.now();
  let live: number;
  let resourceVersion: string;
  try {
    const vs = await deps.kube.readVirtualService({ cluster: rollout.cluster, namespace: rollout.namespace, name: rollout.virtualService });
    live = locateRoute(vs, rollout).canaryWeight;
    resourceVersion = vs.resourceVersion;
  } catch (error) {
    // The cluster cannot tell us now; the operation stays pending and the next read tries again.
    console.warn(`reconcile of operation ${op.id} postponed: ${(unwrap(error) as Error).message}`);
    return;
  }
  const landed = live === op.toState.canaryWeight;
  const context = { actor: op.actor, requestId: op.requestId ?? `reconcile-${op.id}`, clientAddress: op.clientAddress };
  await deps.db.$transaction(async (tx) => {
    if (landed) {
      await applyRolloutState(tx, rollout.id, op.toState, { stepChanged: op.toState.currentStep !== op.fromState.currentStep, at: deps.now() });
    }
    await finishOperation(tx, op.id, {
      status: landed ? "applied" : "failed",
      resourceVersionAfter: resourceVersion,
      error: landed ? null : `interrupted; the cluster shows canary ${live}%, not the intended ${op.toState.canaryWeight}%`,
      at: deps.now(),
    });
    await recordAction(tx, {
      rolloutId: rollout.id,
      action: op.action,
      reason: op.reason,
      context,
      before: op.fromState,
      after: landed ? { ...op.toState, reconciled: true } : null,
      resourceVersionBefore: op.resourceVersionBefore,
      resourceVersionAfter: resourceVersion,
      startedAt: started,
      error: landed
        ? undefined
        : new Error(`the request was interrupted before its result was recorded (started ${op.startedAt.toISOString()}); the cluster shows canary ${live}%, so the change did not land`),
    });
  });
}
