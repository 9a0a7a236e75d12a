import { urlsOf, type Notifications, type NoticeType } from "../../domain/notifications/definition";
import { formatDestinationId, parseDestinationId } from "../../domain/notifications/destinations/destination-id";
import { DESTINATION_KINDS, destinationKind, type DestinationKind } from "../../domain/notifications/destinations/registry";
import { deriveWebhookSecret } from "../../domain/notifications/signature";
import { ownWebhookSecret } from "../../domain/notifications/webhook-secrets";
import { redactUrl } from "../../domain/redact-url";
import { urlDigest } from "./url-digest";
import type { NotifyConfig } from "./config";

/** A destination now: its id as the outbox stores it (destination-id.ts, never the URL), its kind and URL. */
export type Destination = { id: string; kind: DestinationKind; url: string };

type Block = Notifications | undefined;
type Config = Pick<NotifyConfig, "slackUrl" | "webhookUrl">;

/** Where a notice of this type about this rollout (or about none) goes: the global destinations, then the rollout's own, in registry order. */
export function destinationsFor(config: Config, block: Block, type: NoticeType): Destination[] {
  const found: Destination[] = [];
  if (block?.global !== false) {
    for (const kind of DESTINATION_KINDS) {
      const url = destinationKind(kind).global?.url(config);
      if (url) found.push({ id: formatDestinationId({ scope: "global", kind }), kind, url });
    }
  }
  if (block && (block.on ?? [type]).includes(type)) {
    for (const kind of DESTINATION_KINDS) {
      for (const url of urlsOf(block, kind)) {
        // The same URL globally and on the rollout gets the message once.
        if (!found.some((d) => d.url === url)) found.push({ id: formatDestinationId({ scope: "rollout", kind, digest: urlDigest(url) }), kind, url });
      }
    }
  }
  return found.filter((d, index) => found.findIndex((other) => other.id === d.id) === index);
}

/** The kind and URL behind a destination id now, or why there is none (the configuration changed since it was queued). */
export function resolveDestination(config: Config, block: Block, id: string): { kind: DestinationKind; url: string } | { missing: string } {
  const parsed = parseDestinationId(id);
  if (!parsed) return { missing: "this destination is of a kind this version of Aviary does not send to" };
  const { kind } = parsed;
  const entry = destinationKind(kind);
  if (parsed.scope === "global") {
    const url = entry.global?.url(config);
    return url ? { kind, url } : { missing: `${entry.global?.variable ?? `a global ${entry.label} destination`} is no longer set` };
  }
  const url = urlsOf(block, kind).find((candidate) => urlDigest(candidate) === parsed.digest);
  return url ? { kind, url } : { missing: "the rollout's notifications no longer list this destination" };
}

/**
 * The secret that signs a destination of an hmac kind (entry.signing): the global one for the
 * global destination only; a rollout's own webhook its own secret, or one derived for its URL
 * (webhook-secrets.ts).
 */
export function signingSecretFor(config: Pick<NotifyConfig, "webhookSecret">, block: Block, id: string, url: string): { secret: string } | { missing: string } {
  if (parseDestinationId(id)?.scope === "global") {
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

/** How a destination may be shown to anyone who can read the rollout: its kind's label, its scope and a redacted URL. */
export function describeDestination(config: Config, block: Block, id: string): string {
  const parsed = parseDestinationId(id);
  if (!parsed) return `${id} (unknown kind)`;
  const resolved = resolveDestination(config, block, id);
  const where = "url" in resolved ? redactUrl(resolved.url) : "(no longer configured)";
  return `${destinationKind(parsed.kind).label} (${parsed.scope === "global" ? "global" : "this rollout"}) ${where}`;
}

/** A destination in a summary over every rollout: a rollout's own by its kind and digest (its block is not read for each). */
export function describeDestinationRow(config: Config, id: string): string {
  const parsed = parseDestinationId(id);
  if (parsed?.scope !== "rollout") return describeDestination(config, undefined, id);
  return `${destinationKind(parsed.kind).label} (a rollout's own, ${parsed.digest})`;
}

/** The global destinations configured, as the overview lists them: label and redacted URL, and whether one is held back. */
export function describeGlobalDestinations(config: Pick<NotifyConfig, "slackUrl" | "webhookUrl" | "webhookSecret">): string[] {
  return DESTINATION_KINDS.flatMap((kind) => {
    const entry = destinationKind(kind);
    const url = entry.global?.url(config);
    if (!url) return [];
    return [`${entry.label} ${redactUrl(url)}${entry.signing === "hmac" && !config.webhookSecret ? " (no secret: not sent)" : ""}`];
  });
}
