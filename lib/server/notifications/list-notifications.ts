import type { DeliveryJson, DeliveryStatusJson, NotificationsOverviewJson, RolloutNotificationsJson } from "../../contracts/notifications";
import { listRolloutDeliveries, listTroubledDeliveries, summarizeDestinations } from "../../db/notifications";
import type { Notifications } from "../../domain/notifications/definition";
import { redactUrl } from "../../domain/redact-url";
import type { Notice } from "../../domain/notifications/notice";
import type { Deps } from "../deps";
import { getRollout } from "../get-rollout";
import { notifyConfigFromEnv, type NotifyConfig } from "./config";
import { describeDestination } from "./destinations";

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
  { id, config = notifyConfigFromEnv() }: { id: string; config?: NotifyConfig },
): Promise<RolloutNotificationsJson> {
  const rollout = await getRollout(deps, { id });
  const rows = await listRolloutDeliveries(deps.db, rollout.id, RECENT);
  return { deliveries: rows.map((row) => deliveryJson(row, describeDestination(config, rollout.notifications, row.destination))) };
}

/** Every destination's record over the last week and the deliveries retrying or failed. */
export async function listNotificationsOverview(
  deps: Deps,
  { config = notifyConfigFromEnv() }: { config?: NotifyConfig } = {},
): Promise<NotificationsOverviewJson> {
  const since = new Date(deps.now().getTime() - SUMMARY_DAYS * 86_400_000);
  const [summaries, troubled] = await Promise.all([summarizeDestinations(deps.db, since), listTroubledDeliveries(deps.db, { since, limit: 50 })]);
  const blocks = new Map(
    (
      await deps.db.rollout.findMany({
        where: { id: { in: [...new Set(troubled.flatMap((t) => (t.rolloutId ? [t.rolloutId] : [])))] } },
        select: { id: true, notifications: true },
      })
    ).map((r) => [r.id, (r.notifications ?? undefined) as Notifications | undefined]),
  );
  const label = (destination: string, rolloutId: string | null) =>
    destination.startsWith("rollout:")
      ? describeDestination(config, rolloutId ? blocks.get(rolloutId) : undefined, destination)
      : describeDestination(config, undefined, destination);
  return {
    global: [
      ...(config.slackUrl ? [`Slack ${redactUrl(config.slackUrl)}`] : []),
      ...(config.webhookUrl ? [`Webhook ${redactUrl(config.webhookUrl)}${config.webhookSecret ? "" : " (no secret: not sent)"}`] : []),
    ],
    since: since.toISOString(),
    destinations: summaries.map((s) => ({
      destination: s.destination.startsWith("rollout:")
        ? `${s.destination.startsWith("rollout:slack") ? "Slack" : "Webhook"} (a rollout's own, ${s.destination.split(":")[2]})`
        : label(s.destination, null),
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
