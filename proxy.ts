import { NextResponse, type NextRequest } from "next/server";
import { checkHost } from "@/lib/auth/allowed-host";
import type { AuthConfig } from "@/lib/auth/config";
import { identify } from "@/lib/auth/identify";
import { checkSameOrigin } from "@/lib/auth/same-origin";
import { signInPath } from "@/lib/auth/session-response";
import { clientAddress, peerAddress } from "@/lib/http/client-address";
import { API_CSP, newNonce, pageCsp, withSecurityHeaders } from "@/lib/http/security-headers";
import { recordRefusal } from "@/lib/server/commands/refusals";
import { processEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { getConfig } from "@/lib/composition/deps";
import { requestIdOf } from "@/lib/http/request-context";

/**
 * The gate in front of every page and API route (Next 16's proxy, formerly middleware; Node
 * runtime). Nobody gets past it anonymously except to the health checks and the sign-in flow;
 * cross-site state changes stop here, and so do foreign Host names in the modes without a real
 * sign-in. Route handlers check again, with the role each needs (requestContext), so a route is
 * never protected by this file alone. Every answer carries the security headers; pages get a
 * Content-Security-Policy with a fresh script nonce, which Next.js reads from the request.
 */
let lastConfigError = "";

// /metrics is for a Prometheus scraper, which has no session: its route checks its own bearer token (AVIARY_METRICS_TOKEN).
const OPEN = [/^\/api\/healthz$/, /^\/api\/readyz$/, /^\/api\/auth\//, /^\/signin$/, /^\/metrics$/];

/** JSON answers and the API's CSP: the API and the machine-readable /metrics. */
const isApi = (pathname: string) => pathname.startsWith("/api/") || pathname === "/metrics";

/** What anonymous callers learn of a bad configuration; the details go to the server log. */
export const MISCONFIGURED = "sign-in is misconfigured; see the server log";

export async function proxy(request: NextRequest): Promise<Response> {
  const { pathname } = request.nextUrl;
  const api = isApi(pathname);
  let config: AuthConfig;
  try {
    // The sign-in section of the process's one configuration (the one tests configure), not
    // getDeps(): that builds database pools and throws on a broken DATABASE_URL, and the health
    // checks and this misconfiguration answer must still come through.
    config = getConfig().auth();
  } catch (error) {
    if (String(error) !== lastConfigError) {
      lastConfigError = String(error);
      log.error("sign-in is misconfigured: every request but /api/healthz is refused", { error });
    }
    const secure = (response: Response) => withSecurityHeaders(response, API_CSP);
    // Alive, but not ready: a load balancer should not send users to a server that cannot sign them in.
    if (pathname === "/api/healthz") return secure(NextResponse.next());
    if (pathname === "/api/readyz") {
      return secure(
        Response.json(
          { status: "not_ready", checks: { signIn: { ok: false, reason: MISCONFIGURED } } },
          { status: 503, headers: { "cache-control": "no-store" } },
        ),
      );
    }
    const message = `Aviary's ${MISCONFIGURED}.`;
    return secure(
      api
        ? problem(500, "INTERNAL", message)
        : new Response(message, { status: 500, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } }),
    );
  }
  const nonce = api ? null : newNonce();
  const csp = nonce ? pageCsp({ nonce, dev: processEnv().NODE_ENV === "development", https: config.publicUrl?.protocol === "https:" }) : API_CSP;
  return withSecurityHeaders(await gate(request, config, nonce && csp), csp);
}

async function gate(request: NextRequest, config: AuthConfig, pageCspHeader: string | null): Promise<Response> {
  const { pathname, search } = request.nextUrl;
  const api = isApi(pathname);
  const pass = () => {
    const headers = new Headers(request.headers);
    // One request id from here on (the caller's, if it is a plain token): the route, the audit log and the server log share it.
    headers.set("x-request-id", requestIdOf(request.headers));
    // Next.js takes the nonce for its own <script> tags from the request's CSP header.
    if (pageCspHeader) headers.set("content-security-policy", pageCspHeader);
    return NextResponse.next({ request: { headers } });
  };

  const host = checkHost(config, request.headers.get("host"));
  if (!host.ok) {
    return api
      ? problem(421, "MISDIRECTED_REQUEST", host.reason)
      : new Response(host.reason, { status: 421, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
  }
  const origin = checkSameOrigin({ method: request.method, headers: request.headers, expectedOrigin: config.publicUrl?.origin ?? null });
  if (!origin.ok) return problem(403, "FORBIDDEN", origin.reason);
  if (OPEN.some((pattern) => pattern.test(pathname))) return pass();

  const identity = await identify(request.headers, config);
  if (identity.status === "signed-in") return pass();
  if (identity.status === "no-role") {
    if (!api) return redirect(request, signInPath(undefined, "no-role"));
    const message = `Aviary needs at least the viewer role; ${identity.reason}`;
    const { retryAfterSeconds } = await recordRefusal({
      actor: { id: identity.user.id, email: identity.user.email, role: null },
      method: request.method,
      path: pathname,
      message,
      requestId: requestIdOf(request.headers),
      clientAddress: clientAddress({ headers: request.headers, peer: peerAddress(request.headers), trusted: config.trustedProxies }),
    });
    if (retryAfterSeconds !== null) {
      return problem(429, "RATE_LIMITED", `too many refused requests; try again in ${retryAfterSeconds} s (${message})`, {
        "retry-after": String(retryAfterSeconds),
      });
    }
    return problem(403, "FORBIDDEN", message);
  }
  if (api) return problem(401, "UNAUTHENTICATED", `sign in first: ${identity.reason}`);
  return redirect(request, signInPath(pathname + search));
}

/** request.url carries the Host the browser used, so the redirect keeps its host (and cookies). */
function redirect(request: NextRequest, location: string): Response {
  return NextResponse.redirect(new URL(location, request.url), { status: 307, headers: { "cache-control": "no-store" } });
}

function problem(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store", ...headers } });
}

export const config = {
  // Everything but the build's static files and the favicon.
  matcher: ["/((?!_next/static|_next/image|favicon.svg).*)"],
};
