/**
 * Cross-site request forgery defence for state-changing requests, on top of SameSite=Lax
 * cookies (which already keep the session cookie off cross-site POSTs in oidc/demo mode, but not
 * an auth proxy's own cookie, nor same-site sibling hosts).
 *
 * Browsers say where a request comes from: `Sec-Fetch-Site` (all current browsers) or else
 * `Origin` (sent on every cross-origin and every non-GET request). A page on another site cannot
 * suppress or forge either. Requests carrying neither come from scripts and CLIs, which hold no
 * ambient browser credentials to abuse, so they pass.
 */
export const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

export function checkSameOrigin({ method, headers, expectedOrigin }: { method: string; headers: Headers; expectedOrigin: string | null }): OriginVerdict {
  if (!UNSAFE_METHODS.has(method.toUpperCase())) return { ok: true };
  const site = headers.get("sec-fetch-site");
  if (site) {
    // "none": the user started it (address bar, bookmark); same-site hosts are not trusted.
    return site === "same-origin" || site === "none" ? { ok: true } : refused(`Sec-Fetch-Site: ${site}`);
  }
  const origin = headers.get("origin");
  if (origin === null) return { ok: true };
  if (origin === "null") return refused("an opaque origin");
  const expected = expectedOrigin ?? originFromHost(headers);
  if (expected === null) return refused(`origin ${origin} (this server's own origin is unknown: no Host header)`);
  return sameOrigin(origin, expected) ? { ok: true } : refused(`origin ${origin}`);
}

function refused(what: string): OriginVerdict {
  return { ok: false, reason: `cross-site request refused (${what}): state-changing requests must come from Aviary's own pages` };
}

/**
 * Without AVIARY_PUBLIC_URL only the host is compared: behind a TLS-terminating proxy the app
 * cannot tell the scheme the browser used, and a different scheme on the same host is not
 * another site anyway.
 */
function originFromHost(headers: Headers): string | null {
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  return host ? `//${host}` : null;
}

function sameOrigin(origin: string, expected: string): boolean {
  try {
    const given = new URL(origin);
    if (expected.startsWith("//")) return given.host.toLowerCase() === expected.slice(2).toLowerCase();
    return given.origin === new URL(expected).origin;
  } catch {
    return false;
  }
}
