import { hkdfSync } from "node:crypto";
import { EncryptJWT, jwtDecrypt } from "jose";
import { z } from "zod";
import { ROLES } from "../domain/roles";

/**
 * Sessions live in the browser, not in a table: an encrypted, integrity-protected JWT (JWE,
 * dir + A256GCM) in an http-only, SameSite=Lax cookie, Secure and `__Host-`-prefixed over https.
 * Each purpose (session, OIDC login in flight) gets its own key derived from
 * AVIARY_SESSION_SECRET, so one cookie can never be replayed as the other.
 */

const sessionUserSchema = z.strictObject({ id: z.string().min(1), name: z.string(), email: z.string().nullable() });
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const sessionSchema = z.discriminatedUnion("kind", [
  // The role is worked out on each request from the groups, so a changed AVIARY_ROLE_GROUPS applies at once.
  z.strictObject({ kind: z.literal("oidc"), user: sessionUserSchema, groups: z.array(z.string()) }),
  z.strictObject({ kind: z.literal("demo"), user: sessionUserSchema, role: z.enum(ROLES) }),
]);
export type SessionData = z.infer<typeof sessionSchema>;

export const loginTransactionSchema = z.strictObject({
  codeVerifier: z.string().min(43),
  state: z.string().min(16),
  nonce: z.string().min(16),
  returnTo: z.string(),
});
export type LoginTransaction = z.infer<typeof loginTransactionSchema>;

type Purpose = "session" | "oidc-login";

const keys = new Map<string, Uint8Array>();

function keyFor(secret: string, purpose: Purpose): Uint8Array {
  const id = `${purpose}\0${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = new Uint8Array(hkdfSync("sha256", secret, "aviary", `aviary ${purpose} cookie v1`, 32));
    keys.set(id, key);
  }
  return key;
}

export async function seal(purpose: Purpose, secret: string, data: object, maxAgeSeconds: number): Promise<string> {
  return new EncryptJWT({ data })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", typ: purpose })
    .setIssuedAt()
    .setExpirationTime(`${maxAgeSeconds}s`)
    .encrypt(keyFor(secret, purpose));
}

/** The cookie's content, or null if it is missing, expired, forged, or sealed for another purpose. */
export async function unseal<T>(purpose: Purpose, secret: string, token: string | undefined, schema: z.ZodType<T>): Promise<T | null> {
  if (!token || token.length > 8192) return null;
  try {
    const { payload } = await jwtDecrypt(token, keyFor(secret, purpose), {
      typ: purpose,
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
    });
    const parsed = schema.safeParse(payload.data);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const SESSION_COOKIE = "aviary_session";
export const LOGIN_COOKIE = "aviary_login";

/** `__Host-` binds the cookie to this exact origin; browsers only accept it with Secure. */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

export type CookieOptions = { httpOnly: true; sameSite: "lax"; secure: boolean; path: string; maxAge: number };

export function cookieOptions({ secure, maxAge, path = "/" }: { secure: boolean; maxAge: number; path?: string }): CookieOptions {
  return { httpOnly: true, sameSite: "lax", secure, path, maxAge };
}

/**
 * Reads one cookie from a Cookie header. Over https (hostOnly) only the `__Host-` name counts: a
 * plain-named cookie can be planted by a sibling subdomain or a plain-http page (cookie tossing),
 * a `__Host-` one only by this origin over https. Otherwise the `__Host-` name is tried first.
 */
export function readCookie(headers: Headers, base: string, { hostOnly = false }: { hostOnly?: boolean } = {}): string | undefined {
  const header = headers.get("cookie");
  if (!header) return undefined;
  const jar = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return hostOnly ? jar.get(`__Host-${base}`) : (jar.get(`__Host-${base}`) ?? jar.get(base));
}
