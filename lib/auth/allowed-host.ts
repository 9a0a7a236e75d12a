import type { AuthConfig } from "./config";
import { isLoopback } from "./config";

/**
 * DNS rebinding: a web page on evil.example re-points its own name at 127.0.0.1, and the
 * victim's browser then talks to Aviary as if it were evil.example, same-origin checks included.
 * In demo and none modes every visitor is (or can become) an admin, so those modes answer only to
 * a Host that names this server: a loopback name, or AVIARY_PUBLIC_URL's host. The Host header
 * is the one thing rebinding cannot change. (oidc and proxy modes need a real sign-in or the
 * proxy's secret, which a rebinding page does not have.)
 */
export type HostVerdict = { ok: true } | { ok: false; reason: string };

export function checkHost(config: AuthConfig, host: string | null): HostVerdict {
  if (config.mode !== "demo" && config.mode !== "none") return { ok: true };
  const hostname = hostnameOf(host);
  if (hostname && isLoopback(hostname)) return { ok: true };
  if (host && config.publicUrl && host.toLowerCase() === config.publicUrl.host) return { ok: true };
  const allowed = ["localhost", "127.0.0.1", "[::1]", ...(config.publicUrl ? [config.publicUrl.host] : [])].join(", ");
  return {
    ok: false,
    reason:
      `Aviary in ${config.mode} mode answers only to its own host names (${allowed}), not to "${(host ?? "").slice(0, 100)}": ` +
      `anyone reaching it signs in as admin, so this guards against DNS rebinding. Set AVIARY_PUBLIC_URL to the address you browse to.`,
  };
}

/** The name part of a Host header ("[::1]:3000" -> "[::1]"), or null when it is not a plain host[:port]. */
function hostnameOf(host: string | null): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(host ?? "");
  return match ? match[1]!.toLowerCase() : null;
}
