import { createHash, createHmac } from "node:crypto";
import { canonicalize } from "./canonical";

/**
 * How an audit event's hash is computed (pure). Every stored event names its scheme:
 *
 * - version 1 (events written before the keyed chain): SHA-256 over the previous hash and the
 *   content, keys sorted with an English collation. Anyone holding the database could recompute it.
 * - version 2: HMAC-SHA-256 under a key that lives outside the database (AVIARY_AUDIT_KEY), keys
 *   sorted by code unit. Rewriting an event now needs the key as well as the database.
 *
 * Version 1 is accepted only before the first version 2 event: a chain never goes back.
 */
export const LEGACY_HASH = 1;
export const KEYED_HASH = 2;
export type HashVersion = typeof LEGACY_HASH | typeof KEYED_HASH;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text exactly as PostgreSQL stores it. The driver encodes a lone UTF-16 surrogate as U+FFFD, and
 * PostgreSQL refuses NUL in text and jsonb; hashing the text as sent would make the stored event
 * fail verification for ever. Requests carrying such text are refused (lib/domain/safe-text.ts);
 * this only keeps the audit record of that refusal faithful.
 */
export function storableText(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD").replaceAll("\u0000", "\uFFFD");
}

/** A JSON value as jsonb gives it back: storable strings (keys too), no undefined, no functions. */
export function storableJson(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return JSON.parse(
    JSON.stringify(value, (_key, inner: unknown) => {
      if (typeof inner === "string") return storableText(inner);
      if (typeof inner === "bigint") return inner.toString();
      if (inner && typeof inner === "object" && !Array.isArray(inner)) {
        return Object.fromEntries(Object.entries(inner as Record<string, unknown>).map(([key, item]) => [storableText(key), item]));
      }
      return inner;
    }),
  ) as unknown;
}

/** Version 1's canonical JSON: keys in English collation order (pinned: stored chains depend on it). */
export function legacyCanonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === "object" && !Array.isArray(inner)) {
      // A fixed locale: the default one follows LANG, and a chain must hash the same on every host.
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b, "en")));
    }
    return typeof inner === "bigint" ? inner.toString() : inner;
  });
}

export function legacyHash(content: Record<string, unknown>, prevHash: string | null): string {
  return createHash("sha256")
    .update(`${prevHash ?? ""}\n${legacyCanonicalJson(content)}`)
    .digest("hex");
}

export function keyedHash(content: Record<string, unknown>, prevHash: string | null, key: Uint8Array | string): string {
  return createHmac("sha256", key)
    .update(`${prevHash ?? ""}\n${canonicalize(content)}`)
    .digest("hex");
}
