import type { DeliveryJson, DeliveryStatusJson, NotificationsOverviewJson, RolloutNotificationsJson } from "../../contracts/notifications";
import { listRolloutDeliveries, listTroubledDeliveries, rolloutsForNotices, summarizeDestinations } from "../../db/notifications";
import { parseDestinationId } from "../../domain/notifications/destinations/destination-id";
import type { Notice } from "../../domain/notifications/notice";
import type { Deps } from "../../composition/deps";
import { getRollout } from "../get-rollout";
import type { NotifyConfig } from "./config";
import { describeDestination, describeDestinationRow, describeGlobalDestinations } from "./destinations";

const RECENT = 20;
const SUMMARY_DAYS = 7;

type Row = Awaited<ReturnType<typeof listRolloutDeliveries>>[number] & { rollout?: { name: string; namespace: string } | null };

function deliveryJson(row: Row, label: string): DeliveryJson {
  const notice = row.message as Partial<Notice>;
  return {
    id: String(row.id),
    eventId: row.eventKey,
    type: notice.type ?? "action",
    text: notice.text ?? "",
    destination: label,
    status: row.status as DeliveryStatusJson,
    attempts: row.attempts,
    lastError: row.lastError,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    rollout: row.rolloutId && row.rollout ? { id: row.rolloutId, ...row.rollout } : (notice.rollout ?? null),
  };
}

/** A rollout's latest notifications and how each delivery went (a read: nothing is retried here). */
export async function listRolloutNotifications(
  deps: Deps,
  { id, config = deps.config.notify() }: { id: string; config?: NotifyConfig },
): Promise<RolloutNotificationsJson> {
  const rollout = await getRollout(deps, { id });
  const rows = await listRolloutDeliveries(deps.db, rollout.id, RECENT);
  return { deliveries: rows.map((row) => deliveryJson(row, describeDestination(config, rollout.notifications, row.destination))) };
}

/** Every destination's record over the last week and the deliveries retrying or failed. */
export async function listNotificationsOverview(
  deps: Deps,
  { config = deps.config.notify() }: { config?: NotifyConfig } = {},
): Promise<NotificationsOverviewJson> {
  const since = new Date(deps.now().getTime() - SUMMARY_DAYS * 86_400_000);
  const [summaries, troubled] = await Promise.all([summarizeDestinations(deps.db, since), listTroubledDeliveries(deps.db, { since, limit: 50 })]);
  const rollouts = await rolloutsForNotices(
    deps.db,
    troubled.flatMap((t) => (t.rolloutId ? [t.rolloutId] : [])),
  );
  // A rollout's own destination is described from its block; a global one from the configuration.
  const label = (destination: string, rolloutId: string | null) =>
    describeDestination(
      config,
      parseDestinationId(destination)?.scope === "rollout" && rolloutId ? rollouts.get(rolloutId)?.notifications : undefined,
      destination,
    );
  return {
    global: describeGlobalDestinations(config),
    since: since.toISOString(),
    destinations: summaries.map((s) => ({
      destination: describeDestinationRow(config, s.destination),
      kind: s.kind,
      delivered: s.delivered,
      retrying: s.retrying,
      failed: s.failed,
      lastDeliveredAt: s.lastDeliveredAt?.toISOString() ?? null,
      lastError: s.lastError,
      lastErrorAt: s.lastErrorAt?.toISOString() ?? null,
      nextRetryAt: s.nextRetryAt?.toISOString() ?? null,
    })),
    troubled: troubled.map((row) => deliveryJson(row, label(row.destination, row.rolloutId))),
  };
}
