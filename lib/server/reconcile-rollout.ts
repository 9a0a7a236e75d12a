import { isAppError } from "../app-error";
import { findPendingOperations, finishOperation, type PendingOperation } from "../db/operations";
import { applyRolloutState, findRollout } from "../db/rollouts";
import { locateRoute } from "../domain/virtual-service-route";
import { log } from "../log";
import { inTransaction } from "../db/transaction";
import { recordAttempt, withStable } from "./commands/record-attempt";
import type { Deps } from "../composition/deps";
import { unwrap } from "./write-weights";

export type ReconcileResult = { reconciled: number; postponed: PendingOperation[] };

/**
 * Finishes operations whose writer stopped between patching the VirtualService and recording
 * the result (a crash, a lost database connection). The cluster is the witness: if it shows the
 * intended weight, the operation is recorded as applied; if not, as failed. Callers hold the
 * rollout's lock (an action, or the sweep in reconcile-interrupted-operations.ts; never a read),
 * so no live writer can still be working on these operations. An operation the cluster cannot
 * vouch for now (unreachable, forbidden) stays pending and is returned as postponed.
 */
export async function reconcileRollout(deps: Deps, rolloutId: string): Promise<ReconcileResult> {
  const pending = await findPendingOperations(deps.db, rolloutId);
  const postponed: PendingOperation[] = [];
  for (const op of pending) {
    if (!(await reconcileOne(deps, op))) postponed.push(op);
  }
  return { reconciled: pending.length - postponed.length, postponed };
}

/** false when the cluster could not be asked: the operation stays pending. */
async function reconcileOne(deps: Deps, op: PendingOperation): Promise<boolean> {
  const rollout = await findRollout(deps.db, op.rolloutId);
  if (!rollout) return true;
  const started = performance.now();
  let live: number | null = null;
  let resourceVersion: string | null = null;
  try {
    const vs = await deps.kube.readVirtualService({ cluster: rollout.cluster, namespace: rollout.namespace, name: rollout.virtualService });
    resourceVersion = vs.resourceVersion;
    live = locateRoute(vs, rollout).canaryWeight;
  } catch (error) {
    const failure = unwrap(error);
    if (!isAppError(failure) || failure.code !== "TARGET_INVALID") {
      // The cluster cannot tell us now; the operation stays pending for the next action or sweep.
      log.warn("reconcile postponed: the cluster cannot be read", { operationId: op.id, rolloutId: op.rolloutId, error: (failure as Error).message });
      return false;
    }
    // The VirtualService or its route is gone or reshaped: the intended weights are not in place.
  }
  const landed = live === op.toState.canaryWeight;
  const shows = live === null ? "no usable route" : `canary ${live}%`;
  const context = { actor: op.actor, requestId: op.requestId ?? `reconcile-${op.id}`, clientAddress: op.clientAddress };
  await inTransaction(deps.db, async (tx) => {
    if (landed) {
      await applyRolloutState(tx, rollout.id, op.toState, { stepChanged: op.toState.currentStep !== op.fromState.currentStep, at: deps.now() });
    }
    await finishOperation(tx, op.id, {
      status: landed ? "applied" : "failed",
      resourceVersionAfter: resourceVersion,
      error: landed ? null : `interrupted; the cluster shows ${shows}, not the intended canary ${op.toState.canaryWeight}%`,
      at: deps.now(),
    });
    await recordAttempt(tx, {
      rolloutId: rollout.id,
      action: op.action,
      reason: op.reason,
      context,
      before: withStable(op.fromState),
      after: withStable(landed ? { ...op.toState, reconciled: true } : null),
      resourceVersionBefore: op.resourceVersionBefore,
      resourceVersionAfter: resourceVersion,
      startedAt: started,
      error: landed
        ? undefined
        : new Error(
            `the request was interrupted before its result was recorded (started ${op.startedAt.toISOString()}); the cluster shows ${shows}, so the change did not land`,
          ),
    });
  });
  return true;
}
