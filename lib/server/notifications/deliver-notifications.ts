import { finishAttempt, type ClaimedDelivery } from "../../db/notifications";
import { retryDelayMs } from "../../domain/notifications/backoff";
import type { Notifications } from "../../domain/notifications/definition";
import { slackPayload, webhookBody, type Notice } from "../../domain/notifications/notice";
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from "../../domain/notifications/signature";
import type { PostResult, PostWebhook } from "../../webhooks/post-webhook";
import type { Deps } from "../deps";
import type { NotifyConfig } from "./config";
import { resolveDestination, signingSecretFor } from "./destinations";

export type DeliveryOutcome = { id: bigint; destination: string; result: PostResult; state: "delivered" | "retrying" | "failed" };

/**
 * One attempt at one claimed delivery: resolve its destination now (a URL is never stored in the
 * outbox), shape the notice for it (Slack blocks, or the JSON body signed with that destination's
 * own secret), POST it with the timeout, and record the outcome: delivered; or pending again after a
 * backoff; or failed after the last attempt or on an answer that retrying cannot fix.
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
  const postSigned = (url: string, secret: string) => {
    const body = webhookBody(notice);
    const headers = {
      [SIGNATURE_HEADER]: signWebhook({ secret, body, now: deps.now() }),
      [EVENT_ID_HEADER]: notice.id,
      "x-aviary-delivery": String(delivery.id),
    };
    return post({ url, body, headers, timeoutMs: config.timeoutMs });
  };
  let result: PostResult;
  if ("missing" in resolved) {
    result = { ok: false, status: null, error: resolved.missing, permanent: true };
  } else if (delivery.kind === "slack") {
    result = await post({ url: resolved.url, body: JSON.stringify(slackPayload(notice)), headers: {}, timeoutMs: config.timeoutMs });
  } else {
    // Each destination's own secret: a rollout's receiver can never sign as the global one.
    const signing = signingSecretFor(config, block, delivery.destination, resolved.url);
    result = "missing" in signing ? { ok: false, status: null, error: signing.missing, permanent: true } : await postSigned(resolved.url, signing.secret);
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
