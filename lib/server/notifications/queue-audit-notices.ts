import { advanceAuditCursor, auditCursor, auditEventsAfter, enqueueDeliveries, rolloutsForNotices, type NewDelivery } from "../../db/notifications";
import { isNotifiable, noticeFromAuditEvent } from "../../domain/notifications/notice";
import type { Deps } from "../../composition/deps";
import type { NotifyConfig } from "./config";
import { destinationsFor } from "./destinations";

const BATCH = 200;

/**
 * Turns audit events after the cursor into queued deliveries, then moves the cursor past them.
 * Actions are read from the log, not hooked into the action path: an action never waits for a
 * notification, and one committed is never missed (the log is append-only and its ids follow
 * commit order, since every append holds the chain's lock until it commits). Queuing twice is
 * harmless (unique per event and destination), so a dispatcher that dies between the two steps
 * or races another loses nothing and duplicates nothing. Returns how many deliveries were queued.
 */
export async function queueAuditNotices(deps: Pick<Deps, "db">, config: NotifyConfig, { maxBatches = 5 } = {}): Promise<number> {
  let queued = 0;
  let position = await auditCursor(deps.db);
  for (let batch = 0; batch < maxBatches; batch++) {
    const events = await auditEventsAfter(deps.db, position, BATCH);
    if (events.length === 0) break;
    const relevant = events.filter(isNotifiable);
    const rolloutIds = [...new Set(relevant.flatMap((e) => (e.rolloutId ? [e.rolloutId] : [])))];
    const rollouts = await rolloutsForNotices(deps.db, rolloutIds);
    const deliveries: NewDelivery[] = [];
    for (const event of relevant) {
      const rollout = event.rolloutId ? rollouts.get(event.rolloutId) : undefined;
      const notice = noticeFromAuditEvent({
        event,
        rollout: rollout ? { id: rollout.id, name: rollout.name, namespace: rollout.namespace } : null,
        baseUrl: config.baseUrl,
      });
      for (const destination of destinationsFor(config, rollout?.notifications, notice.type)) {
        deliveries.push({ eventKey: notice.id, destination: destination.id, rolloutId: rollout?.id ?? null, kind: destination.kind, message: notice });
      }
    }
    queued += await enqueueDeliveries(deps.db, deliveries);
    position = events.at(-1)!.id;
    await advanceAuditCursor(deps.db, position);
    if (events.length < BATCH) break;
  }
  return queued;
}
