import { NextResponse, type NextRequest } from "next/server";
import { auditRefusal } from "@/lib/auth/audit-refusal";
import { authConfig, type AuthConfig } from "@/lib/auth/config";
import { identify } from "@/lib/auth/identify";
import { checkSameOrigin } from "@/lib/auth/same-origin";
import { signInPath } from "@/lib/auth/session-response";

/**
 * The gate in front of every page and API route (Next 16's proxy, formerly middleware; Node
 * runtime). Nobody gets past it anonymously except to the health checks and the sign-in flow;
 * cross-site state changes stop here. Route handlers check again, with the role each needs
 * (requestContext), so a route is never protected by this file alone.
 */
let lastConfigError = "";

const OPEN = [/^\/api\/healthz$/, /^\/api\/readyz$/, /^\/api\/auth\//, /^\/signin$/];

export async function proxy(request: NextRequest): Promise<Response> {
  const { pathname, search } = request.nextUrl;
  const api = pathname.startsWith("/api/");
  let config: AuthConfig;
  try {
    config = authConfig();
  } catch (error) {
    if (String(error) !== lastConfigError) console.error((lastConfigError = String(error)));
    // Alive, but not ready: a load balancer should not send users to a server that cannot sign them in.
    if (pathname === "/api/healthz") return NextResponse.next();
    if (pathname === "/api/readyz") {
      return Response.json({ status: "not_ready", checks: { signIn: { ok: false, reason: (error as Error).message } } }, { status: 503, headers: { "cache-control": "no-store" } });
    }
    const message = `${(error as Error).message}\nSee README.md, "Sign-in".`;
    return api ? problem(500, "INTERNAL", message) : new Response(message, { status: 500, headers: { "content-type": "text/plain; charset=utf-8" } });
  }

  const origin = checkSameOrigin({ method: request.method, headers: request.headers, expectedOrigin: config.publicUrl?.origin ?? null });
  if (!origin.ok) return problem(403, "FORBIDDEN", origin.reason);
  if (OPEN.some((pattern) => pattern.test(pathname))) return NextResponse.next();

  const identity = await identify(request.headers, config);
  if (identity.status === "signed-in") return NextResponse.next();
  if (identity.status === "no-role") {
    if (!api) return redirect(request, signInPath(undefined, "no-role"));
    const message = `Aviary needs at least the viewer role; ${identity.reason}`;
    await auditRefusal({
      actor: { id: identity.user.id, email: identity.user.email, role: null },
      method: request.method,
      path: pathname,
      message,
      requestId: /^[\w.-]{1,128}$/.test(request.headers.get("x-request-id") ?? "") ? request.headers.get("x-request-id")! : crypto.randomUUID(),
      clientAddress: request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || null,
    }).catch((error: unknown) => console.error("could not write the audit event of a refused request", error));
    return problem(403, "FORBIDDEN", message);
  }
  if (api) return problem(401, "UNAUTHENTICATED", `sign in first: ${identity.reason}`);
  return redirect(request, signInPath(pathname + search));
}

/** request.url carries the Host the browser used, so the redirect keeps its host (and cookies). */
function redirect(request: NextRequest, location: string): Response {
  return NextResponse.redirect(new URL(location, request.url), { status: 307, headers: { "cache-control": "no-store" } });
}

function problem(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

export const config = {
  // Everything but the build's static files and the favicon.
  matcher: ["/((?!_next/static|_next/image|favicon.svg).*)"],
};
