/**
 * What Aviary keeps of an answer it fetched on someone's behalf. Status, duration, size and a
 * hash are always kept; an excerpt only when the answer is text, with anything that looks like a
 * credential masked, so that a check pointed at a secret (a cloud credential, a token endpoint)
 * leaves no secret on a page. The audit log never gets the excerpt, only the status and hash.
 */

export const EXCERPT_CHARS = 200;
export const MASK = "[masked]";

const TEXT_TYPES = /^(text\/[a-z0-9.+-]+|application\/([a-z0-9.-]+\+)?(json|xml)|application\/problem\+json|application\/x-www-form-urlencoded)$/i;

/**
 * `text/plain; charset=utf-8` and JSON/XML are text. An answer that names no type (many small
 * health endpoints) is text when it is valid UTF-8 without NUL bytes; any other type is not shown.
 */
export function isTextual(contentType: string | null | undefined, bytes?: Uint8Array): boolean {
  const type = (contentType ?? "").split(";")[0]?.trim() ?? "";
  if (type === "") return bytes !== undefined && looksLikeText(bytes);
  return TEXT_TYPES.test(type);
}

function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    // A cut at the byte limit may split the last character: judge what comes before it.
    new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.byteLength - 3)));
    return true;
  } catch {
    return false;
  }
}

const SECRET_NAME = String.raw`[A-Za-z0-9_.-]*(?:secret|token|password|passwd|pwd|credential|api[-_]?key|access[-_]?key|private[-_]?key|session|signature|auth)[A-Za-z0-9_.-]*`;

const PATTERNS: readonly RegExp[] = [
  // "SecretAccessKey": "…", password=…, token: … (JSON, forms, YAML, headers)
  new RegExp(String.raw`("?${SECRET_NAME}"?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&}"']+)`, "gi"),
  // Authorization header values
  /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  // user:password@ in URLs
  /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]+@/gi,
  // AWS access key ids, JWTs, PEM blocks
  /\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[A-Z0-9]{12,}\b/g,
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
  /-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g,
];

/** Long opaque strings (hex or base64 of 32 characters and more) that mix character classes, as keys do; `xxxx…` does not. */
const OPAQUE = /[A-Za-z0-9+/_-]{32,}={0,2}/g;
const looksRandom = (token: string) => [/[a-z]/, /[A-Z]/, /[0-9]/].filter((cls) => cls.test(token)).length >= 2;

/** Masks credential-looking text; keeps the name of a named secret so the reader sees what was there. */
export function maskCredentials(text: string): string {
  let out = text;
  const [named, ...rest] = PATTERNS;
  out = out.replace(named!, (_match, name: string) => `${name}${MASK}`);
  for (const pattern of rest)
    out = out.replace(pattern, (match, ...groups: unknown[]) => {
      const first = groups[0];
      if (/^(Bearer|Basic|Token)\s/i.test(match)) return `${String(first)} ${MASK}`;
      if (match.includes("://")) return `${String(first)}:${MASK}@`;
      return MASK;
    });
  return out.replace(OPAQUE, (token) => (looksRandom(token) ? MASK : token));
}

/**
 * A short, storable excerpt of a text answer: control characters dropped (so the text can be
 * stored and hashed as is), credentials masked, at most EXCERPT_CHARS code points. Null when the
 * answer is not text or is empty.
 */
export function answerExcerpt(bytes: Uint8Array, contentType: string | null | undefined): string | null {
  if (bytes.byteLength === 0 || !isTextual(contentType, bytes)) return null;
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  const clean = text
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFFD]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!clean) return null;
  // Mask before cutting, so a cut cannot leave half a secret unmasked; then cut by code point,
  // so no half surrogate pair (which PostgreSQL could not store) remains.
  return Array.from(maskCredentials(clean)).slice(0, EXCERPT_CHARS).join("");
}
