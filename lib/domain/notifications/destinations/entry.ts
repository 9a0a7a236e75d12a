import { z } from "zod";
import { REDACTED, redactUrl } from "../../redact-url";
import type { Notice } from "../notice";

/** The global destinations' URLs, as the server's configuration holds them (AVIARY_NOTIFY_*). */
export type GlobalUrls = { slackUrl: string | null; webhookUrl: string | null };

export const MAX_DESTINATIONS = 5;

/**
 * Everything Aviary knows about one kind of notification destination, in one place (Argo
 * Rollouts' metric Provider, Flagger's notifier.Interface): the list it reads in a rollout's
 * `notifications` block and that list's schema, how an entry's URL is found and shown, the body
 * posted for a notice, whether that body is signed, and the names pages and metrics use. Pure and
 * browser-safe: signing is declared here and done by the server (signature.ts needs node:crypto).
 */
export type DestinationKindEntry<Field extends string = string, Stored = unknown, Edit = Stored> = {
  /** The key of the rollout's `notifications` block that lists this kind's destinations. */
  field: Field;
  /** How pages name it: "Slack", "Microsoft Teams". */
  label: string;
  /** Its `kind` in Aviary's own metrics; one value per kind, so the label set stays bounded. */
  metricLabel: string;
  /** hmac: signed with the destination's own secret (X-Aviary-Signature); none: the URL is the credential. */
  signing: "none" | "hmac";
  /** The field as stored (and as a new rollout gives it), and as an edit may give it. */
  schema: { stored: z.ZodType<Stored[], unknown>; edit: z.ZodType<Edit[], unknown> };
  urlOf(entry: Stored | Edit): string;
  /** The entry as it may be shown or audited: the URL redacted, secrets only marked. */
  redact(entry: Stored): Stored;
  /** The raw body posted for a notice: pure, so retries send the same bytes. */
  body(notice: Notice): string;
  /** For kinds the environment may also configure for every rollout: its variable and URL. */
  global?: { variable: string; url(config: GlobalUrls): string | null };
};

/** One destination URL: http(s), bounded, and never a redacted URL sent back as Aviary shows it. */
export const destinationUrl = (what: string) =>
  z
    .string({ error: `${what} must be a list of URLs` })
    .max(2_000, { error: `${what}: a URL of at most 2000 characters` })
    .refine((url) => !url.includes(REDACTED), { error: `${what}: this is a redacted URL as Aviary shows it; give the full URL` })
    .pipe(z.url({ protocol: /^https?$/, error: `${what} must hold http:// or https:// URLs` }));

/** A field's list: at most MAX_DESTINATIONS entries, and (with `unique`) no URL twice. */
export function destinationList<Entry>(
  field: string,
  entry: z.ZodType<Entry, unknown>,
  { unique, urlOf }: { unique: boolean; urlOf: (entry: Entry) => string },
) {
  return z.array(entry, { error: `${field} must be a list of URLs` }).superRefine((entries, ctx) => {
    // Here rather than .max(): zod runs a length check even on a string that is not a list.
    if (entries.length > MAX_DESTINATIONS) ctx.addIssue({ code: "custom", message: `${field} may list at most ${MAX_DESTINATIONS} URLs` });
    if (!unique) return;
    entries.forEach((item, index) => {
      if (entries.findIndex((other) => urlOf(other) === urlOf(item)) < index) {
        ctx.addIssue({ code: "custom", path: [index], message: `${field} lists this URL twice` });
      }
    });
  });
}

/** A kind whose entries are bare URLs (chat services' incoming webhooks: the URL is the credential). */
export function urlListKind<const Field extends string>({
  field,
  unique = true,
  ...rest
}: Pick<DestinationKindEntry<Field, string>, "field" | "label" | "metricLabel" | "body" | "global"> & { unique?: boolean }): DestinationKindEntry<
  Field,
  string
> {
  const list = destinationList(field, destinationUrl(field), { unique, urlOf: (url) => url });
  return { field, ...rest, signing: "none", schema: { stored: list, edit: list }, urlOf: (url) => url, redact: redactUrl };
}
