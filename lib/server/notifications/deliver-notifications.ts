import { finishAttempt, rolloutNotificationBlock, type ClaimedDelivery } from "../../db/notifications";
import { retryDelayMs } from "../../domain/notifications/backoff";
import { destinationKind, type DestinationKind } from "../../domain/notifications/destinations/registry";
import type { Notice } from "../../domain/notifications/notice";
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from "../../domain/notifications/signature";
import type { PostResult, PostWebhook } from "../../outbound/post-webhook";
import type { Deps } from "../../composition/deps";
import type { NotifyConfig } from "./config";
import { resolveDestination, signingSecretFor } from "./destinations";

export type DeliveryOutcome = { id: bigint; destination: string; result: PostResult; state: "delivered" | "retrying" | "failed" };

const permanent = (error: string): PostResult => ({ ok: false, status: null, error, permanent: true });

/**
 * One attempt at one claimed delivery: resolve its destination now (a URL is never stored in the
 * outbox), shape the notice with its kind's body, sign it when the kind is signed (with that
 * destination's own secret), POST it through the egress guard with the timeout, and record the
 * outcome: delivered; or pending again after a backoff; or failed after the last attempt or on an
 * answer that retrying cannot fix.
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
  const block = delivery.rolloutId ? await rolloutNotificationBlock(deps.db, delivery.rolloutId) : undefined;
  const resolved = resolveDestination(config, block, delivery.destination);
  const send = async ({ kind, url }: { kind: DestinationKind; url: string }): Promise<PostResult> => {
    const entry = destinationKind(kind);
    const body = entry.body(notice);
    if (entry.signing === "none") return post({ url, body, headers: {}, timeoutMs: config.timeoutMs });
    // Each destination's own secret: a rollout's receiver can never sign as the global one.
    const signing = signingSecretFor(config, block, delivery.destination, url);
    if ("missing" in signing) return permanent(signing.missing);
    const headers = {
      [SIGNATURE_HEADER]: signWebhook({ secret: signing.secret, body, now: deps.now() }),
      [EVENT_ID_HEADER]: notice.id,
      "x-aviary-delivery": String(delivery.id),
    };
    return post({ url, body, headers, timeoutMs: config.timeoutMs });
  };
  const result = "missing" in resolved ? permanent(resolved.missing) : await send(resolved);
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
