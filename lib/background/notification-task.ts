import type { LeaderLock } from "../db/leader-lock";
import { claimDeliveries, pruneDeliveries } from "../db/notifications";
import { log as serverLog } from "../log";
import { postWebhookVia, type PostWebhook } from "../webhooks/post-webhook";
import type { Deps } from "../server/deps";
import type { NotifyConfig } from "../server/notifications/config";
import { deliverOne, type DeliveryOutcome } from "../server/notifications/deliver-notifications";
import { queueAuditNotices } from "../server/notifications/queue-audit-notices";
import { watchConditions } from "../server/notifications/watch-conditions";

export type NotificationLoopOptions = {
  deps: Deps;
  config: NotifyConfig;
  leader: LeaderLock;
  post?: PostWebhook;
  tickMs?: number;
  conditionsEveryMs?: number;
  /** Deliveries in flight at once: a slow receiver holds one slot, not the queue. */
  concurrency?: number;
  retentionDays?: number;
  log?: (entry: Record<string, unknown>) => void;
  onDelivery?: (outcome: DeliveryOutcome) => void;
};

const PRUNE_EVERY_MS = 10 * 60_000;
/** Entries are `{ level, msg, ...fields }`, written by the server log (lib/log.ts): JSON lines, secrets masked. */
const jsonLog = ({ level, msg, ...fields }: Record<string, unknown>) => (level === "warn" ? serverLog.warn : serverLog.info)(String(msg), fields);

/**
 * The dispatcher. Every replica runs it; the holder of its leader lock (a key apart from
 * analysis') works: each tick it queues the notices of new audit events, every
 * `conditionsEveryMs` it looks for drift and rollouts waiting for a person, and it keeps up to
 * `concurrency` deliveries in flight without waiting for them, so a slow or dead receiver delays
 * only its own messages. Nothing here is on an action's path. Every database step is also safe
 * when two dispatchers overlap (lib/db/notifications.ts), so a leader change never duplicates a
 * delivery. Returns a function that stops it (waiting for deliveries in flight) and gives up leadership.
 */
export function startNotificationLoop({
  deps,
  config,
  leader,
  post = postWebhookVia(deps.egress),
  tickMs = 1_000,
  conditionsEveryMs = 10_000,
  concurrency = 8,
  retentionDays = 14,
  log = jsonLog,
  onDelivery,
}: NotificationLoopOptions): () => Promise<void> {
  const driftSeen = new Map<string, number>();
  const verdictSeen = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let lastConditions = 0;
  let lastPrune = Date.now();
  let running = false;
  let stopped = false;
  let wasLeader = false;

  const send = async () => {
    const free = concurrency - inFlight.size;
    if (free <= 0) return;
    const claimed = await claimDeliveries(deps.db, { limit: free, leaseMs: config.timeoutMs + 30_000 });
    for (const delivery of claimed) {
      const task = deliverOne(deps, config, post, delivery)
        .then((outcome) => {
          onDelivery?.(outcome);
          if (!outcome.result.ok) {
            log({
              level: "warn",
              msg: "notification delivery failed",
              destination: outcome.destination,
              delivery: String(outcome.id),
              error: outcome.result.error,
            });
          }
        })
        .catch((error: unknown) => log({ level: "warn", msg: "notification delivery errored", error: (error as Error).message }))
        .finally(() => {
          inFlight.delete(task);
          // A free slot: take the next due delivery without waiting for the tick.
          if (!stopped && wasLeader) void send().catch(() => {});
        });
      inFlight.add(task);
    }
  };

  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      const isLeader = await leader.check();
      if (isLeader !== wasLeader) {
        wasLeader = isLeader;
        driftSeen.clear();
        verdictSeen.clear();
        log({ level: "info", msg: isLeader ? "notification leadership taken" : "notification leadership lost" });
      }
      if (!isLeader) return;
      await queueAuditNotices(deps, config);
      const now = Date.now();
      if (now - lastConditions >= conditionsEveryMs) {
        lastConditions = now;
        await watchConditions(deps, config, { driftSeen, verdictSeen });
      }
      await send();
      if (now - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = now;
        await pruneDeliveries(deps.db, new Date(now - retentionDays * 86_400_000));
      }
    } catch (error) {
      log({ level: "warn", msg: "notification pass failed", error: (error as Error).message });
    } finally {
      running = false;
    }
  };

  const timer = setInterval(() => void tick(), tickMs);
  timer.unref();
  void tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    while (running) await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.allSettled([...inFlight]);
    await leader.release();
  };
}
