import type { LeaderLock } from "../db/leader-lock";
import { claimDeliveries } from "../db/notifications";
import type { Logger } from "../log";
import { postWebhookVia, type PostWebhook } from "../outbound/post-webhook";
import type { Deps } from "../composition/deps";
import type { NotifyConfig } from "../server/notifications/config";
import { deliverOne, type DeliveryOutcome } from "../server/notifications/deliver-notifications";
import { queueAuditNotices } from "../server/notifications/queue-audit-notices";
import { watchConditions } from "../server/notifications/watch-conditions";
import { everyMs, type BackgroundTask } from "./task";

export type NotificationTaskOptions = {
  deps: Deps;
  config: NotifyConfig;
  leader: LeaderLock;
  post?: PostWebhook;
  tickMs?: number;
  conditionsEveryMs?: number;
  /** Deliveries in flight at once: a slow receiver holds one slot, not the queue. */
  concurrency?: number;
  onDelivery?: (outcome: DeliveryOutcome) => void;
};

/**
 * The dispatcher as a task, under its own lock (a key apart from analysis'). Each pass queues the
 * notices of new audit events, every `conditionsEveryMs` looks for drift and rollouts waiting for
 * a person, and keeps up to `concurrency` deliveries in flight without waiting for them, so a slow
 * or dead receiver delays only its own messages; a freed slot takes the next due delivery at
 * once. Nothing here is on an action's path. Every database step is also safe when two
 * dispatchers overlap (lib/db/notifications.ts), so a leader change never duplicates a delivery.
 * Stopping waits for the deliveries in flight (drain).
 */
export function notificationTask({
  deps,
  config,
  leader,
  post = postWebhookVia(deps.egress),
  tickMs = 1_000,
  conditionsEveryMs = 10_000,
  concurrency = 8,
  onDelivery,
}: NotificationTaskOptions): BackgroundTask {
  // What this leader has seen of drift and verdicts; a new leader starts afresh.
  const driftSeen = new Map<string, number>();
  const verdictSeen = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let lastConditions = 0;
  let leading = false;

  const send = async (signal: AbortSignal, log: Logger) => {
    const free = concurrency - inFlight.size;
    if (free <= 0) return;
    const claimed = await claimDeliveries(deps.db, { limit: free, leaseMs: config.timeoutMs + 30_000 });
    for (const delivery of claimed) {
      const task = deliverOne(deps, config, post, delivery)
        .then((outcome) => {
          onDelivery?.(outcome);
          if (!outcome.result.ok) {
            log.warn("notification delivery failed", { destination: outcome.destination, delivery: String(outcome.id), error: outcome.result.error });
          }
        })
        .catch((error: unknown) => log.warn("notification delivery errored", { error: (error as Error).message }))
        .finally(() => {
          inFlight.delete(task);
          if (!signal.aborted && leading) void send(signal, log).catch(() => {});
        });
      inFlight.add(task);
    }
  };

  return {
    name: "notifications",
    leader,
    electionMs: tickMs,
    onLeadership(now) {
      leading = now;
      driftSeen.clear();
      verdictSeen.clear();
    },
    async run({ signal, log, now }) {
      const startedAt = now().getTime();
      await queueAuditNotices(deps, config);
      if (startedAt - lastConditions >= conditionsEveryMs) {
        lastConditions = startedAt;
        await watchConditions(deps, config, { driftSeen, verdictSeen });
      }
      await send(signal, log);
      return everyMs(tickMs, now().getTime() - startedAt);
    },
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
