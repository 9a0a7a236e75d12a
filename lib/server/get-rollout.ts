import { findUnconfirmedOperation, type UnconfirmedOperation } from "../db/operations";
import { findRollout } from "../db/rollouts";
import type { Rollout } from "../domain/rollout";
import type { Deps } from "../composition/deps";
import { assertRolloutId, notFound } from "./rollout-id";

/** A rollout as read, with the operation its record may not reflect yet. */
export type RolloutRead = Rollout & { pendingOperation: UnconfirmedOperation | null };

/**
 * Reads a rollout: two SELECTs, no lock, no cluster call, no write. An action that stopped
 * between patching the cluster and recording the result is reported (`pendingOperation`), not
 * repaired here: the next action on the rollout and the periodic sweep
 * (reconcile-interrupted-operations.ts) finish it, so a page polled by many tabs never writes.
 */
export async function getRollout(deps: Deps, { id }: { id: string }): Promise<RolloutRead> {
  const rolloutId = assertRolloutId(id);
  const [rollout, pendingOperation] = await Promise.all([findRollout(deps.db, rolloutId), findUnconfirmedOperation(deps.db, rolloutId)]);
  if (!rollout) throw notFound(id);
  return { ...rollout, pendingOperation };
}
