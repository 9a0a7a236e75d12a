import { NextResponse } from "next/server";
import type { AuthConfig } from "./config";
import { cookieName, cookieOptions, LOGIN_COOKIE, seal, SESSION_COOKIE, type LoginTransaction, type SessionData } from "./session-cookie";

/** Responses of the sign-in routes: relative redirects (right behind any proxy) that set or clear cookies. */

export function isSecure(config: AuthConfig, headers: Headers, url: string): boolean {
  if (config.publicUrl) return config.publicUrl.protocol === "https:";
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return (proto ?? new URL(url).protocol.replace(":", "")) === "https";
}

/** Only a path on this site: never "//evil.example" or "https://evil.example" (an open redirect). */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length > 1024 || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if ([...value].some((char) => char.charCodeAt(0) < 0x20) || value.startsWith("/api/auth/") || value.startsWith("/signin")) return "/";
  return value;
}

export function signInPath(returnTo?: string, error?: string): string {
  const query = new URLSearchParams();
  if (returnTo && returnTo !== "/") query.set("returnTo", returnTo);
  if (error) query.set("error", error);
  const text = query.toString();
  return text ? `/signin?${text}` : "/signin";
}

export function redirectTo(location: string, status: 302 | 303 = 303): NextResponse {
  return new NextResponse(null, { status, headers: { location, "cache-control": "no-store" } });
}

type SessionSettings = { sessionSecret: string; sessionMaxAgeSeconds: number };

export async function withSession(response: NextResponse, config: AuthConfig & SessionSettings, secure: boolean, data: SessionData): Promise<NextResponse> {
  const value = await seal("session", config.sessionSecret, data, config.sessionMaxAgeSeconds);
  response.cookies.set(cookieName(SESSION_COOKIE, secure), value, cookieOptions({ secure, maxAge: config.sessionMaxAgeSeconds }));
  return response;
}

/** Clears both spellings: the scheme seen by the app may have changed since the cookie was set. */
export function withoutSession(response: NextResponse): NextResponse {
  for (const [name, secure] of [
    [SESSION_COOKIE, false],
    [`__Host-${SESSION_COOKIE}`, true],
  ] as const) {
    response.cookies.set(name, "", cookieOptions({ secure, maxAge: 0 }));
  }
  return response;
}

const LOGIN_MAX_AGE = 600;

export async function withLoginTransaction(
  response: NextResponse,
  config: SessionSettings,
  secure: boolean,
  transaction: LoginTransaction,
): Promise<NextResponse> {
  const value = await seal("oidc-login", config.sessionSecret, transaction, LOGIN_MAX_AGE);
  response.cookies.set(cookieName(LOGIN_COOKIE, secure), value, cookieOptions({ secure, maxAge: LOGIN_MAX_AGE }));
  return response;
}

export function withoutLoginTransaction(response: NextResponse): NextResponse {
  for (const [name, secure] of [
    [LOGIN_COOKIE, false],
    [`__Host-${LOGIN_COOKIE}`, true],
  ] as const) {
    response.cookies.set(name, "", cookieOptions({ secure, maxAge: 0 }));
  }
  return response;
}
