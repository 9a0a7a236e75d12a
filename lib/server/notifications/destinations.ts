import { webhookEntryUrl, type Notifications, type NoticeType } from "../../domain/notifications/definition";
import { deriveWebhookSecret } from "../../domain/notifications/signature";
import { ownWebhookSecret } from "../../domain/notifications/webhook-secrets";
import { redactUrl } from "../../domain/redact-url";
import { urlDigest } from "./url-digest";
import type { NotifyConfig } from "./config";

/**
 * A destination's id names it without its URL (the outbox stores ids, never URLs):
 * `global:slack`, `global:webhook`, `rollout:slack:<digest>`, `rollout:webhook:<digest>`.
 */
export type Destination = { id: string; kind: "slack" | "webhook"; url: string };

type Block = Notifications | undefined;
type Config = Pick<NotifyConfig, "slackUrl" | "webhookUrl">;

/** Where a notice of this type about this rollout (or about none) goes. */
export function destinationsFor(config: Config, block: Block, type: NoticeType): Destination[] {
  const found: Destination[] = [];
  if (block?.global !== false) {
    if (config.slackUrl) found.push({ id: "global:slack", kind: "slack", url: config.slackUrl });
    if (config.webhookUrl) found.push({ id: "global:webhook", kind: "webhook", url: config.webhookUrl });
  }
  if (block && (block.on ?? [type]).includes(type)) {
    for (const [kind, urls] of [
      ["slack", block.slack ?? []],
      ["webhook", (block.webhooks ?? []).map(webhookEntryUrl)],
    ] as const) {
      for (const url of urls) {
        // The same URL globally and on the rollout gets the message once.
        if (!found.some((d) => d.url === url)) found.push({ id: `rollout:${kind}:${urlDigest(url)}`, kind, url });
      }
    }
  }
  return found.filter((d, index) => found.findIndex((other) => other.id === d.id) === index);
}

/** The URL behind a destination id now, or why there is none (the configuration changed since it was queued). */
export function resolveDestination(config: Config, block: Block, id: string): { url: string } | { missing: string } {
  if (id === "global:slack") return config.slackUrl ? { url: config.slackUrl } : { missing: "AVIARY_NOTIFY_SLACK_WEBHOOK_URL is no longer set" };
  if (id === "global:webhook") return config.webhookUrl ? { url: config.webhookUrl } : { missing: "AVIARY_NOTIFY_WEBHOOK_URL is no longer set" };
  const [, kind, digest] = id.split(":");
  const urls = kind === "slack" ? block?.slack : block?.webhooks?.map(webhookEntryUrl);
  const url = urls?.find((candidate) => urlDigest(candidate) === digest);
  return url ? { url } : { missing: "the rollout's notifications no longer list this destination" };
}

/**
 * The secret that signs a generic webhook: the global one for the global destination only; a
 * rollout's own webhook its own secret, or one derived for its URL (webhook-secrets.ts).
 */
export function signingSecretFor(config: Pick<NotifyConfig, "webhookSecret">, block: Block, id: string, url: string): { secret: string } | { missing: string } {
  if (id === "global:webhook") {
    return config.webhookSecret
      ? { secret: config.webhookSecret }
      : { missing: "AVIARY_NOTIFY_WEBHOOK_SECRET is not set: generic webhooks are only sent signed" };
  }
  const own = ownWebhookSecret(block, url);
  if (own) return { secret: own };
  if (!config.webhookSecret) {
    return { missing: "this webhook has no secret of its own and AVIARY_NOTIFY_WEBHOOK_SECRET, which its secret is derived from, is not set" };
  }
  return { secret: deriveWebhookSecret({ globalSecret: config.webhookSecret, url }) };
}

/** How a destination may be shown to anyone who can read the rollout: its kind and a redacted URL. */
export function describeDestination(config: Config, block: Block, id: string): string {
  const resolved = resolveDestination(config, block, id);
  const where = "url" in resolved ? redactUrl(resolved.url) : "(no longer configured)";
  if (id.startsWith("global:")) return `${id === "global:slack" ? "Slack" : "Webhook"} (global) ${where}`;
  return `${id.startsWith("rollout:slack") ? "Slack" : "Webhook"} (this rollout) ${where}`;
}
