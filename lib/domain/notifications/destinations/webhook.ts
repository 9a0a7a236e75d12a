import { z } from "zod";
import { REDACTED, redactUrl } from "../../redact-url";
import type { Notice } from "../notice";
import { destinationList, destinationUrl, type DestinationKindEntry } from "./entry";

/**
 * Generic webhooks: a URL, or `{url, secret}` with the secret its receiver verifies with (what
 * signs a bare URL: webhook-secrets.ts, never the global secret). An edit may say
 * `{url, keepSecret: true}` to keep the stored secret without sending it again.
 */
export type WebhookEntry = string | { url: string; secret: string };
export type WebhookEntryEdit = WebhookEntry | { url: string; keepSecret: true };

export const webhookEntryUrl = (entry: WebhookEntryEdit): string => (typeof entry === "string" ? entry : entry.url);

const webhookSecret = z
  .string({ error: "secret must be text" })
  .refine((secret) => !secret.includes(REDACTED), {
    error: "secret: this is the redacted form Aviary shows; give the secret, or keepSecret: true to keep the stored one",
  })
  .regex(/^[\x21-\x7e]{16,256}$/, { error: "secret must be 16 to 256 visible ASCII characters (no spaces)" });

/** One webhooks entry; string or object decided by the input's type, so each error names its own field. */
function webhookEntry(allowKeep: boolean) {
  const url = destinationUrl("webhooks");
  const object = z
    .strictObject(
      {
        url,
        secret: webhookSecret.optional(),
        keepSecret: z.literal(true, { error: "keepSecret, when given, must be true" }).optional(),
      },
      { error: "webhooks entries are URLs or objects {url, secret?}" },
    )
    .superRefine((entry, ctx) => {
      if (entry.keepSecret && !allowKeep) {
        ctx.addIssue({ code: "custom", path: ["keepSecret"], message: "keepSecret keeps a stored secret on an edit (PATCH); here give secret" });
      } else if (entry.keepSecret && entry.secret !== undefined) {
        ctx.addIssue({ code: "custom", path: ["keepSecret"], message: "give secret or keepSecret, not both" });
      }
    });
  return z.unknown().transform((value, ctx): WebhookEntryEdit => {
    const result = typeof value === "string" ? url.safeParse(value) : object.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
      return z.NEVER;
    }
    const entry = result.data;
    if (typeof entry === "string") return entry;
    if (entry.keepSecret) return { url: entry.url, keepSecret: true };
    return entry.secret === undefined ? entry.url : { url: entry.url, secret: entry.secret };
  });
}

/** The generic webhook's JSON body: the notice itself, versioned. */
export function webhookBody(notice: Notice): string {
  return JSON.stringify({ version: 1, ...notice });
}

const list = <Entry extends WebhookEntryEdit>(allowKeep: boolean) =>
  destinationList("webhooks", webhookEntry(allowKeep) as unknown as z.ZodType<Entry, unknown>, { unique: true, urlOf: webhookEntryUrl });

/** Signed generic webhooks: per rollout (`notifications.webhooks`) and globally (AVIARY_NOTIFY_WEBHOOK_URL). */
export const webhook: DestinationKindEntry<"webhooks", WebhookEntry, WebhookEntryEdit> = {
  field: "webhooks",
  label: "Webhook",
  metricLabel: "webhook",
  signing: "hmac",
  // keepSecret is refused where nothing is stored yet (a new rollout), so no stored entry keeps one.
  schema: { stored: list<WebhookEntry>(false), edit: list<WebhookEntryEdit>(true) },
  urlOf: webhookEntryUrl,
  redact: (entry) => (typeof entry === "string" ? redactUrl(entry) : { url: redactUrl(entry.url), secret: REDACTED }),
  body: webhookBody,
  global: { variable: "AVIARY_NOTIFY_WEBHOOK_URL", url: (config) => config.webhookUrl },
};
