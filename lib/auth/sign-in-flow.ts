import { z } from "zod";
import type { AuthConfig } from "./config";
import { findDemoUser } from "./demo-users";
import { beginLogin, finishLogin } from "./oidc";
import { relevantGroups, roleForGroups } from "./role-mapping";
import { ROLES } from "../domain/roles";
import { log } from "../log";
import { checkSameOrigin } from "./same-origin";
import { LOGIN_COOKIE, loginTransactionSchema, readCookie, unseal } from "./session-cookie";
import { isSecure, redirectTo, safeReturnTo, signInPath, withLoginTransaction, withoutLoginTransaction, withoutSession, withSession } from "./session-response";

/**
 * The sign-in and sign-out endpoints (app/api/auth/**). Failures end on /signin with an error
 * code the page explains; the details go to the server log, never to the browser.
 */

/** GET /api/auth/login?returnTo=/path: off to the identity provider, with PKCE, state and nonce. */
export async function startOidcLogin(request: Request, config: AuthConfig): Promise<Response> {
  if (config.mode !== "oidc") return redirectTo("/signin");
  const returnTo = safeReturnTo(new URL(request.url).searchParams.get("returnTo"));
  try {
    const { url, transaction } = await beginLogin(config, returnTo);
    return withLoginTransaction(redirectTo(url.href, 302), config, isSecure(config, request.headers, request.url), transaction);
  } catch (error) {
    log.error("sign-in: cannot reach the identity provider", { issuer: config.issuer.href, error });
    return redirectTo(signInPath(returnTo, "provider-unreachable"));
  }
}

/** GET /api/auth/callback?code=...&state=...: the provider's answer, checked and turned into a session. */
export async function completeOidcLogin(request: Request, config: AuthConfig): Promise<Response> {
  if (config.mode !== "oidc") return redirectTo("/signin");
  const url = new URL(request.url);
  const transaction = await unseal(
    "oidc-login",
    config.sessionSecret,
    readCookie(request.headers, LOGIN_COOKIE, { hostOnly: config.publicUrl.protocol === "https:" }),
    loginTransactionSchema,
  );
  if (!transaction) return withoutLoginTransaction(redirectTo(signInPath(undefined, "login-expired")));
  const providerError = url.searchParams.get("error");
  if (providerError) {
    log.warn("sign-in: the identity provider refused the sign-in", { providerError, description: url.searchParams.get("error_description") ?? "" });
    return withoutLoginTransaction(redirectTo(signInPath(transaction.returnTo, providerError === "access_denied" ? "access-denied" : "login-failed")));
  }
  try {
    const { user, groups } = await finishLogin(config, url, transaction);
    if (!roleForGroups(config.roleGroups, groups)) {
      log.warn("sign-in: the user has no Aviary role", { user: user.email ?? user.id, groups: groups.join(", ") || "none" });
      return withoutLoginTransaction(redirectTo(signInPath(transaction.returnTo, "no-role")));
    }
    const response = redirectTo(transaction.returnTo);
    await withSession(response, config, isSecure(config, request.headers, request.url), {
      kind: "oidc",
      user,
      groups: relevantGroups(config.roleGroups, groups),
    });
    return withoutLoginTransaction(response);
  } catch (error) {
    log.error("sign-in: the identity provider's answer did not check out", { error });
    return withoutLoginTransaction(redirectTo(signInPath(transaction.returnTo, "login-failed")));
  }
}

const demoSignInSchema = z.object({ user: z.string(), role: z.enum(ROLES), returnTo: z.string().optional() });

/** POST /api/auth/demo (the demo sign-in form): any demo user, any role. */
export async function signInAsDemoUser(request: Request, config: AuthConfig): Promise<Response> {
  if (config.mode !== "demo") return redirectTo("/signin", 303);
  const refused = crossSite(request, config.publicUrl);
  if (refused) return refused;
  const form = await readForm(request);
  const parsed = demoSignInSchema.safeParse(form);
  const user = parsed.success ? findDemoUser(parsed.data.user) : undefined;
  if (!parsed.success || !user) return redirectTo(signInPath(safeReturnTo(form.returnTo), "demo-invalid"));
  const response = redirectTo(safeReturnTo(parsed.data.returnTo));
  return withSession(response, config, isSecure(config, request.headers, request.url), {
    kind: "demo",
    user: { id: user.id, name: user.name, email: user.email },
    role: parsed.data.role,
  });
}

/** POST /api/auth/logout: forgets the session (the identity provider's own session stays). */
export async function signOut(request: Request, config: AuthConfig): Promise<Response> {
  const refused = crossSite(request, config.publicUrl);
  if (refused) return refused;
  return withoutLoginTransaction(withoutSession(redirectTo("/signin?signedOut=1")));
}

function crossSite(request: Request, publicUrl: URL | null): Response | null {
  const verdict = checkSameOrigin({ method: request.method, headers: request.headers, expectedOrigin: publicUrl?.origin ?? null });
  if (verdict.ok) return null;
  return Response.json({ error: { code: "FORBIDDEN", message: verdict.reason } }, { status: 403 });
}

async function readForm(request: Request): Promise<Record<string, string>> {
  try {
    const type = request.headers.get("content-type") ?? "";
    if (type.includes("application/json")) {
      const body: unknown = await request.json();
      return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, string>) : {};
    }
    const data = await request.formData();
    return Object.fromEntries([...data.entries()].map(([key, value]) => [key, String(value)]));
  } catch {
    return {};
  }
}
