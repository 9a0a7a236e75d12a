/**
 * The response headers that keep Aviary's pages out of frames and its responses from being
 * reinterpreted. Static ones go on every response (next.config.ts for the build's files, proxy.ts
 * for the rest); the Content-Security-Policy is built per request by proxy.ts, because pages carry
 * a fresh script nonce (Next.js reads it from the request's CSP header and puts it on its own
 * <script> tags; 'strict-dynamic' then trusts the chunks those scripts load).
 */
export const STATIC_SECURITY_HEADERS = {
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  // Same-origin requests keep their Referer; nothing leaks to other sites (links to Grafana, the IdP).
  "Referrer-Policy": "same-origin",
} as const;

/** API answers are data, never documents: nothing may load or frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes));
}

export function pageCsp({ nonce, dev, https }: { nonce: string; dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    // React in development evaluates code for its call stacks and Fast Refresh; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Recharts and the weight bars set style attributes, which nonces cannot cover. No nonce here
    // on purpose: browsers ignore 'unsafe-inline' in a directive that has one.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** Sets the static headers and the given CSP on a response proxy.ts returns or passes on. */
export function withSecurityHeaders<T extends Response>(response: T, csp: string): T {
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
  response.headers.set("Content-Security-Policy", csp);
  return response;
}
