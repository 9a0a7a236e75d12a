import { AppError, type FieldErrors } from "../../app-error";
import type { Notifications, NotificationsEdit, WebhookEntry } from "./definition";

/**
 * Which secret a rollout's generic webhook is signed with. An entry `{url, secret}` has its own,
 * given by whoever defines the rollout (write-only: never shown, audited or logged). A bare URL
 * gets one Aviary derives from the global secret for that URL (signature.ts,
 * deriveWebhookSecret), never the global secret itself: a rollout's receiver holds only its own
 * secret and cannot sign anything the global receiver (or another rollout's) would accept.
 *
 * Secrets cannot be read back, so an edit that resends the block would have to resend each one;
 * `{url, keepSecret: true}` keeps the stored one instead. Leaving it out (a bare URL, or `{url}`)
 * is an explicit change to the derived secret, as the README says.
 */

/** A webhook's own secret as stored, or null when Aviary derives it. */
export function ownWebhookSecret(block: Pick<Notifications, "webhooks"> | undefined, url: string): string | null {
  const entry = block?.webhooks?.find((candidate) => (typeof candidate === "string" ? candidate : candidate.url) === url);
  return entry && typeof entry !== "string" ? entry.secret : null;
}

/**
 * The edited block with every `keepSecret` replaced by the secret stored for the same URL; an
 * entry with nothing stored to keep is refused by its field (no entry is saved half-resolved).
 */
export function resolveKeptSecrets(edit: NotificationsEdit, stored: Notifications | undefined): Notifications {
  const fields: FieldErrors = {};
  const webhooks = edit.webhooks?.map((entry, index): WebhookEntry => {
    if (typeof entry === "string" || !("keepSecret" in entry)) return entry;
    const secret = ownWebhookSecret(stored, entry.url);
    if (secret === null) {
      fields[`notifications.webhooks.${index}.keepSecret`] =
        "keepSecret: this rollout has no stored secret for this URL (a new URL, or one signed with the derived secret); give secret";
      return entry.url;
    }
    return { url: entry.url, secret };
  });
  const [first] = Object.entries(fields);
  if (first) throw new AppError("VALIDATION", `${first[0]}: ${first[1]}`, { fields });
  const { webhooks: _edited, ...rest } = edit;
  return { ...rest, ...(webhooks ? { webhooks } : {}) };
}
