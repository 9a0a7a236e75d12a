import { finishAttempt, type ClaimedDelivery } from "../../db/notifications";
import { retryDelayMs } from "../../domain/notifications/backoff";
import type { Notifications } from "../../domain/notifications/definition";
import { slackPayload, webhookBody, type Notice } from "../../domain/notifications/notice";
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from "../../domain/notifications/signature";
import type { PostResult, PostWebhook } from "../../webhooks/post-webhook";
import type { Deps } from "../deps";
import type { NotifyConfig } from "./config";
import { resolveDestination } from "./destinations";

export type DeliveryOutcome = { id: bigint; destination: string; result: PostResult; state: "delivered" | "retrying" | "failed" };

/**
 * One attempt at one claimed delivery: resolve its destination now (a URL is never stored in the
 * outbox), shape the notice for it (Slack blocks, or the signed JSON body), POST it with the
 * timeout, and record the outcome: delivered; or pending again after a backoff; or failed after
 * the last attempt or on an answer that retrying cannot fix.
 */
export async function deliverOne(
  deps: Pick<Deps, "db" | "now" | "metrics">,
  config: NotifyConfig,
  post: PostWebhook,
  delivery: ClaimedDelivery,
  random: () => number = Math.random,
): Promise<DeliveryOutcome> {
  const started = performance.now();
  const notice = delivery.message as Notice;
  const block = delivery.rolloutId
    ? (((await deps.db.rollout.findUnique({ where: { id: delivery.rolloutId }, select: { notifications: true } }))?.notifications ?? undefined) as
        Notifications | undefined)
    : undefined;
  const resolved = resolveDestination(config, block, delivery.destination);
  let result: PostResult;
  if ("missing" in resolved) {
    result = { ok: false, status: null, error: resolved.missing, permanent: true };
  } else if (delivery.kind === "slack") {
    result = await post({ url: resolved.url, body: JSON.stringify(slackPayload(notice)), headers: {}, timeoutMs: config.timeoutMs });
  } else if (!config.webhookSecret) {
    result = { ok: false, status: null, error: "AVIARY_NOTIFY_WEBHOOK_SECRET is not set: generic webhooks are only sent signed", permanent: true };
  } else {
    const body = webhookBody(notice);
    result = await post({
      url: resolved.url,
      body,
      headers: {
        [SIGNATURE_HEADER]: signWebhook({ secret: config.webhookSecret, body, now: deps.now() }),
        [EVENT_ID_HEADER]: notice.id,
        "x-aviary-delivery": String(delivery.id),
      },
      timeoutMs: config.timeoutMs,
    });
  }
  const last = result.ok || result.permanent || delivery.attempts >= config.retry.maxAttempts;
  await finishAttempt(
    deps.db,
    delivery.id,
    result.ok
      ? { ok: true, status: result.status }
      : {
          ok: false,
          status: result.status,
          error: `attempt ${delivery.attempts}: ${result.error}`,
          retryInMs: last ? null : retryDelayMs(delivery.attempts, config.retry, random),
        },
  );
  const state = result.ok ? "delivered" : last ? "failed" : "retrying";
  deps.metrics.notificationDelivery({ kind: delivery.kind, result: state, seconds: (performance.now() - started) / 1000 });
  return { id: delivery.id, destination: delivery.destination, result, state };
}
