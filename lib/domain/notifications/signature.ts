import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Generic webhooks are signed as Stripe signs its own: `X-Aviary-Signature: t=<unix seconds>,v1=<hex>`
 * where v1 is HMAC-SHA-256 under the shared secret over `${t}.${raw body}`. The timestamp is inside
 * the signed text, so a captured request cannot be replayed later with a fresh one; receivers
 * refuse timestamps older than the tolerance and dedupe on the body's `id` (also sent as
 * `X-Aviary-Event-Id`) within it. verifyWebhookSignature is what a receiver in Node needs.
 */

export const SIGNATURE_HEADER = "x-aviary-signature";
export const EVENT_ID_HEADER = "x-aviary-event-id";
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signatureOf({ secret, timestamp, body }: { secret: string; timestamp: number; body: string }): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/**
 * The signing secret of a rollout's webhook that has none of its own: HMAC-SHA-256 under the
 * global secret over a label and the URL, as hex. The global receiver's signatures are HMACs under
 * the same key over `<digits>.<body>`, which never equals this input (it starts with a letter),
 * and an HMAC output does not yield its key, so holding this secret signs nothing the global
 * receiver accepts. Rotating the global secret changes it (README: Notifications).
 */
export function deriveWebhookSecret({ globalSecret, url }: { globalSecret: string; url: string }): string {
  return createHmac("sha256", globalSecret).update(`aviary-rollout-webhook-secret/v1\n${url}`).digest("hex");
}

/** The header value for a body sent at `now`. */
export function signWebhook({ secret, body, now = new Date() }: { secret: string; body: string; now?: Date }): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  return `t=${timestamp},v1=${signatureOf({ secret, timestamp, body })}`;
}

export type Verification = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Checks a received request: the raw body exactly as received (before any JSON parsing), the
 * header, the shared secret. Refuses a missing or malformed header, a timestamp further than
 * `toleranceSeconds` from `now` (either way: clocks drift), and a signature that does not match
 * (compared in constant time). Several `v1=` entries are accepted, any one matching, so a secret
 * can be rotated.
 */
export function verifyWebhookSignature({
  secret,
  header,
  body,
  now = new Date(),
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
}: {
  secret: string;
  header: string | null | undefined;
  body: string;
  now?: Date;
  toleranceSeconds?: number;
}): Verification {
  if (!header) return { ok: false, reason: "no signature header" };
  const parts = header.split(",").map((part) => part.trim().split("=", 2) as [string, string | undefined]);
  const t = parts.find(([key]) => key === "t")?.[1];
  const signatures = parts.filter(([key, value]) => key === "v1" && value).map(([, value]) => value!);
  const timestamp = t && /^\d{1,12}$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(timestamp) || signatures.length === 0) return { ok: false, reason: "malformed signature header" };
  const age = Math.abs(now.getTime() / 1000 - timestamp);
  if (age > toleranceSeconds) return { ok: false, reason: `timestamp is ${Math.round(age)} s away from now (tolerance ${toleranceSeconds} s)` };
  const expected = Buffer.from(signatureOf({ secret, timestamp, body }), "hex");
  const matches = signatures.some((candidate) => {
    const given = Buffer.from(/^[0-9a-f]+$/i.test(candidate) ? candidate : "", "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true, timestamp } : { ok: false, reason: "signature does not match" };
}
