import { findRolloutTimelineEntries } from "../db/audit/events";
import type { AuditEventRow } from "../db/audit/events";
import type { Rollout } from "../domain/rollout";
import type { Deps } from "../composition/deps";
import { getRollout } from "./get-rollout";

/** Beyond this the page stays usable; the full list is in the audit log (filtered by rollout). */
export const TIMELINE_LIMIT = 2_000;

export type RolloutTimeline = { rollout: Rollout; events: AuditEventRow[]; truncated: boolean };

/** A rollout and every event of it, oldest first (archived rollouts included: nothing is deleted). */
export async function getRolloutTimeline(deps: Deps, { id }: { id: string }): Promise<RolloutTimeline> {
  const rollout = await getRollout(deps, { id });
  const events = await findRolloutTimelineEntries(deps.db, { rolloutId: rollout.id, limit: TIMELINE_LIMIT + 1 });
  return { rollout, events: events.slice(0, TIMELINE_LIMIT), truncated: events.length > TIMELINE_LIMIT };
}
