import { z } from "zod";
import { DESTINATION_KINDS, DESTINATIONS, destinationKind, type DestinationKind } from "./destinations/registry";

/**
 * A rollout's optional `notifications` block: one list per destination kind (`slack`,
 * `webhooks`, `teams`, `googleChat`: destinations/registry.ts), which kinds of notice they get,
 * whether the global destinations (AVIARY_NOTIFY_*) hear about it too, and how long a rollout may
 * wait for a person before that is announced. Destination URLs are bearer secrets (a Slack URL
 * lets anyone post) and so are webhook signing secrets: both are write-only, shown and audited
 * only redacted (redactNotifications), and the outbox names a destination by a digest.
 */

export const NOTICE_TYPES = ["action", "verdict", "drift", "waiting"] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

export const DEFAULT_WAITING_MINUTES = 30;
export { MAX_DESTINATIONS } from "./destinations/entry";
export { webhookEntryUrl, type WebhookEntry, type WebhookEntryEdit } from "./destinations/webhook";

const settings = z.object({
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
});

type Registry = typeof DESTINATIONS;
type Mode = "stored" | "edit";
/** Each kind's list under its field, typed from its entry's schema. */
type ListsOf<M extends Mode> = { [K in DestinationKind as Registry[K]["field"]]?: z.output<Registry[K]["schema"][M]> };

export type Notifications = ListsOf<"stored"> & z.output<typeof settings>;
export type NotificationsEdit = ListsOf<"edit"> & z.output<typeof settings>;
export type NotificationsInput = { [K in DestinationKind as Registry[K]["field"]]?: unknown[] } & z.input<typeof settings>;

const FIELDS = DESTINATION_KINDS.map((kind) => DESTINATIONS[kind].field);

function blockSchema(mode: Mode) {
  const lists = Object.fromEntries(DESTINATION_KINDS.map((kind) => [DESTINATIONS[kind].field, destinationKind(kind).schema[mode].optional()]));
  const shape = [...FIELDS, ...Object.keys(settings.shape)].map((field) => `${field}?`).join(", ");
  return z.strictObject(
    { ...lists, ...settings.shape },
    { error: (issue) => (issue.input === undefined ? "notifications is required" : `notifications must be an object {${shape}}`) },
  );
}

/** The block as stored and as a new rollout gives it (keepSecret is refused there, so no entry keeps one). */
export const notificationsSchema = blockSchema("stored") as unknown as z.ZodType<Notifications, NotificationsInput>;
/** The block as an edit (PATCH) gives it: entries may keep their stored secret (resolveKeptSecrets). */
export const notificationsEditSchema = blockSchema("edit") as unknown as z.ZodType<NotificationsEdit, NotificationsInput>;

/** A kind's entries in a block, as its entry's functions take them (none when the block lists none). */
export function entriesOf(block: Notifications | NotificationsEdit | undefined, kind: DestinationKind): unknown[] {
  return (block as Record<string, unknown[] | undefined> | undefined)?.[DESTINATIONS[kind].field] ?? [];
}

/** A kind's URLs in a block, in its order. */
export const urlsOf = (block: Notifications | NotificationsEdit | undefined, kind: DestinationKind): string[] =>
  entriesOf(block, kind).map((entry) => destinationKind(kind).urlOf(entry));

/** Every kind's URLs by the block's field name (`{slack: [...], webhooks: [...], ...}`), for checks that name the field. */
export function urlsByField(block: Notifications | NotificationsEdit | undefined): Record<string, string[]> {
  return Object.fromEntries(DESTINATION_KINDS.map((kind) => [DESTINATIONS[kind].field, urlsOf(block, kind)]));
}

/** The block as it may be shown or audited: every URL redacted, and a webhook's own secret only as a mark that it has one. */
export function redactNotifications(block: Notifications): Notifications {
  const redacted: Record<string, unknown> = { ...block };
  for (const kind of DESTINATION_KINDS) {
    const { field, redact } = destinationKind(kind);
    if (field in block) redacted[field] = entriesOf(block, kind).map(redact);
  }
  return redacted as Notifications;
}
