import { z } from "zod";

/**
 * A rollout's optional `notifications` block: its own Slack incoming webhooks and generic
 * (HMAC-signed) webhooks, which kinds of notice they get, whether the global destinations
 * (AVIARY_NOTIFY_*) hear about it too, and how long a rollout may wait for a person before that is
 * announced. Webhook URLs are bearer secrets (a Slack URL lets anyone post): they are write-only,
 * shown and audited only in redacted form (redactUrl), and named in the outbox by a digest.
 */

export const NOTICE_TYPES = ["action", "verdict", "drift", "waiting"] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

export const MAX_DESTINATIONS = 5;
export const DEFAULT_WAITING_MINUTES = 30;
const REDACTED = "…";

const webhookUrl = (what: string) =>
  z
    .string({ error: `${what} must be a list of URLs` })
    .max(2_000, { error: `${what}: a URL of at most 2000 characters` })
    .refine((url) => !url.includes(REDACTED), { error: `${what}: this is a redacted URL as Aviary shows it; give the full URL` })
    .pipe(z.url({ protocol: /^https?$/, error: `${what} must hold http:// or https:// URLs` }));

export const notificationsSchema = z.strictObject(
  {
    slack: z
      .array(webhookUrl("slack"))
      .max(MAX_DESTINATIONS, { error: `slack may list at most ${MAX_DESTINATIONS} URLs` })
      .optional(),
    webhooks: z
      .array(webhookUrl("webhooks"))
      .max(MAX_DESTINATIONS, { error: `webhooks may list at most ${MAX_DESTINATIONS} URLs` })
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

export type Notifications = z.output<typeof notificationsSchema>;
export type NotificationsInput = z.input<typeof notificationsSchema>;

/** `https://hooks.slack.com/…/Xy9Z`: enough to tell two destinations apart, not enough to post. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const tail = `${parsed.pathname}${parsed.search}`.replace(/\/+$/, "");
    return `${parsed.protocol}//${parsed.host}/${REDACTED}${tail.length > 4 ? tail.slice(-4) : ""}`;
  } catch {
    return REDACTED;
  }
}

/** The block as it may be shown or audited: every URL redacted. */
export function redactNotifications(block: Notifications): Notifications {
  return {
    ...block,
    ...(block.slack ? { slack: block.slack.map(redactUrl) } : {}),
    ...(block.webhooks ? { webhooks: block.webhooks.map(redactUrl) } : {}),
  };
}
