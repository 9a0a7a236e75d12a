import { z } from "zod";
import { REDACTED, redactUrl } from "../redact-url";

/**
 * A rollout's optional `notifications` block: its own Slack incoming webhooks and generic
 * (HMAC-signed) webhooks, which kinds of notice they get, whether the global destinations
 * (AVIARY_NOTIFY_*) hear about it too, and how long a rollout may wait for a person before that is
 * announced. Webhook URLs are bearer secrets (a Slack URL lets anyone post) and so are webhook
 * signing secrets: both are write-only, shown and audited only redacted (redactNotifications),
 * and the outbox names a destination by a digest. A generic webhook is a URL, or `{url, secret}`
 * with its own signing secret (webhook-secrets.ts says what signs a bare URL: never the global
 * secret). An edit may say `{url, keepSecret: true}` to keep the stored secret without sending it.
 */

export const NOTICE_TYPES = ["action", "verdict", "drift", "waiting"] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

export const MAX_DESTINATIONS = 5;
export const DEFAULT_WAITING_MINUTES = 30;

/** A generic webhook as stored: a bare URL, or a URL with the secret its receiver verifies with. */
export type WebhookEntry = string | { url: string; secret: string };
/** As an edit may give it: keepSecret takes the secret stored for the same URL. */
export type WebhookEntryEdit = WebhookEntry | { url: string; keepSecret: true };

const webhookUrl = (what: string) =>
  z
    .string({ error: `${what} must be a list of URLs` })
    .max(2_000, { error: `${what}: a URL of at most 2000 characters` })
    .refine((url) => !url.includes(REDACTED), { error: `${what}: this is a redacted URL as Aviary shows it; give the full URL` })
    .pipe(z.url({ protocol: /^https?$/, error: `${what} must hold http:// or https:// URLs` }));

const webhookSecret = z
  .string({ error: "secret must be text" })
  .refine((secret) => !secret.includes(REDACTED), {
    error: "secret: this is the redacted form Aviary shows; give the secret, or keepSecret: true to keep the stored one",
  })
  .regex(/^[\x21-\x7e]{16,256}$/, { error: "secret must be 16 to 256 visible ASCII characters (no spaces)" });

/** One webhooks entry; string or object decided by the input's type, so each error names its own field. */
function webhookEntry(allowKeep: boolean) {
  const url = webhookUrl("webhooks");
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

export const webhookEntryUrl = (entry: WebhookEntryEdit): string => (typeof entry === "string" ? entry : entry.url);

function blockSchema<Entry extends WebhookEntryEdit>(entry: z.ZodType<Entry, unknown>) {
  return z.strictObject(
    {
      slack: z
        .array(webhookUrl("slack"))
        .max(MAX_DESTINATIONS, { error: `slack may list at most ${MAX_DESTINATIONS} URLs` })
        .optional(),
      webhooks: z
        .array(entry)
        .max(MAX_DESTINATIONS, { error: `webhooks may list at most ${MAX_DESTINATIONS} URLs` })
        .superRefine((entries, ctx) =>
          entries.forEach((entry, index) => {
            if (entries.findIndex((other) => webhookEntryUrl(other) === webhookEntryUrl(entry)) < index) {
              ctx.addIssue({ code: "custom", path: [index], message: "webhooks lists this URL twice" });
            }
          }),
        )
        .optional(),
      on: z
        .array(z.enum(NOTICE_TYPES, { error: `on lists notice types: ${NOTICE_TYPES.join(", ")}` }))
        .min(1, { error: "on, when given, needs at least one notice type" })
        .optional(),
      global: z.boolean({ error: "global must be true or false" }).default(true),
      waitingMinutes: z
        .number({ error: "waitingMinutes must be a number" })
        .int({ error: "waitingMinutes must be a whole number" })
        .min(1, { error: "waitingMinutes must be at least 1" })
        .max(10_080, { error: "waitingMinutes must be at most 10080 (a week)" })
        .default(DEFAULT_WAITING_MINUTES),
    },
    {
      error: (issue) =>
        issue.input === undefined ? "notifications is required" : "notifications must be an object {slack?, webhooks?, on?, global?, waitingMinutes?}",
    },
  );
}

/** The block as stored and as a new rollout gives it (keepSecret is refused there, so no entry keeps one). */
export const notificationsSchema = blockSchema(webhookEntry(false) as z.ZodType<WebhookEntry, unknown>);
/** The block as an edit (PATCH) gives it: entries may keep their stored secret (resolveKeptSecrets). */
export const notificationsEditSchema = blockSchema(webhookEntry(true));

export type Notifications = z.output<typeof notificationsSchema>;
export type NotificationsEdit = z.output<typeof notificationsEditSchema>;
export type NotificationsInput = z.input<typeof notificationsSchema>;

/** The block as it may be shown or audited: every URL redacted, and a webhook's own secret only as a mark that it has one. */
export function redactNotifications(block: Notifications): Notifications {
  return {
    ...block,
    ...(block.slack ? { slack: block.slack.map(redactUrl) } : {}),
    ...(block.webhooks
      ? { webhooks: block.webhooks.map((entry) => (typeof entry === "string" ? redactUrl(entry) : { url: redactUrl(entry.url), secret: REDACTED })) }
      : {}),
  };
}
