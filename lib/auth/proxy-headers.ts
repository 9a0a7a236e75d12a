import { createHash, timingSafeEqual } from "node:crypto";
import { duplicatedHeaders } from "../http/client-address";
import type { ProxyConfig } from "./config";
import type { SessionUser } from "./session-cookie";

/**
 * "Behind an auth proxy" mode: oauth2-proxy (--pass-user-headers / --set-xauthrequest) or an
 * Istio ingress with RequestAuthentication `outputClaimToHeaders` puts the identity in headers.
 * Anyone who can reach Aviary directly could forge those, so they count only when the request
 * also carries the shared secret the proxy adds; compared in constant time.
 *
 * An identity header that arrives twice means something upstream added a value instead of
 * replacing the client's (a client-sent X-Forwarded-Groups: admins, then the proxy's own): such a
 * request is refused. Fetch's Headers joins repeats with ", ", so the count comes from the raw
 * header list, stamped by scripts/next-server.ts (duplicatedHeaders). Without it, a comma in the
 * user, email or secret header (none of which can legitimately hold one) is the tell; repeated
 * name or groups headers then cannot be told from one header holding a list.
 */
export type ProxyIdentity = { ok: true; user: SessionUser; groups: string[] } | { ok: false; reason: string };

export function secretsMatch(given: string | null, expected: string): boolean {
  if (given === null) return false;
  // Hashing first gives equal lengths, which timingSafeEqual needs, without leaking the length.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function identityFromProxyHeaders(config: ProxyConfig, headers: Headers): ProxyIdentity {
  const names = config.headers;
  const repeated = duplicatedHeaders(headers);
  for (const name of [names.secret, names.user, names.email, names.groups, names.name]) {
    const commaFree = name !== names.groups && name !== names.name;
    if (repeated.has(name) || (commaFree && headers.get(name)?.includes(","))) {
      return { ok: false, reason: `header ${name} came more than once; the authenticating proxy must replace identity headers, not add to them` };
    }
  }
  if (!secretsMatch(headers.get(names.secret), config.secret)) {
    return { ok: false, reason: `the request did not come through the authenticating proxy (header ${names.secret} missing or wrong)` };
  }
  const id = clean(headers.get(names.user));
  if (!id) return { ok: false, reason: `the authenticating proxy sent no user (header ${names.user})` };
  const email = clean(headers.get(names.email));
  const groups = (headers.get(names.groups) ?? "")
    .split(",")
    .map((group) => group.trim())
    .filter(Boolean)
    .slice(0, 500);
  return { ok: true, user: { id, email, name: clean(headers.get(names.name)) ?? email ?? id }, groups };
}

function clean(value: string | null): string | null {
  const trimmed = value?.trim().slice(0, 256);
  return trimmed ? trimmed : null;
}
