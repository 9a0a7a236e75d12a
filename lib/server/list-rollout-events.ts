import { listRecentAuditEventsForRollout } from "../db/audit/events";
import type { Deps } from "../composition/deps";
import { getRollout } from "./get-rollout";

const RECENT = 20;

/** The latest audit events of one rollout, newest first: who did what, and how it ended. */
export async function listRolloutEvents(deps: Deps, { id }: { id: string }) {
  const rollout = await getRollout(deps, { id });
  return listRecentAuditEventsForRollout(deps.db, rollout.id, RECENT);
}
