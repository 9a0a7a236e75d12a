import { z } from "zod";
import { NO_TRUSTED_PROXIES, parseTrustedProxies, type TrustedProxies } from "../http/client-address";
import { parseRoleGroups, ROLE_GROUPS_EXAMPLE, type RoleGroups } from "./role-mapping";

/**
 * How Aviary learns who is calling, validated from the environment. A bad value stops sign-in
 * with the variable's name rather than letting requests through. README.md's table lists these.
 *
 *   oidc   OpenID Connect sign-in (authorization code + PKCE), encrypted session cookie
 *   proxy  an authenticating proxy in front (oauth2-proxy, Istio with JWT) sends identity headers
 *   demo   the visitor picks a demo user and role; for `npm run demo` only
 *   none   everyone is one local admin; for the Vitest suite only, refused outside NODE_ENV=test/development
 */
import { AUTH_MODES, type AuthMode } from "../contracts/session";
import { configurationError, processEnv, type Env, type EnvProblem } from "../env";

export { AUTH_MODES, type AuthMode };

/** `next start` always runs with NODE_ENV=production, the demo included: this is the explicit opt-in. */
export const DEMO_ACKNOWLEDGEMENT = "anyone-can-sign-in-as-admin";

type SessionSettings = { sessionSecret: string; sessionMaxAgeSeconds: number; publicUrl: URL | null };

/** Settings every mode has: where Aviary is served, and which proxies may say who the client is. */
type Common = { publicUrl: URL | null; trustedProxies: TrustedProxies };

export type OidcConfig = Common &
  SessionSettings & {
    mode: "oidc";
    publicUrl: URL;
    issuer: URL;
    clientId: string;
    clientSecret: string | null;
    scopes: string;
    groupsClaim: string;
    providerName: string;
    roleGroups: RoleGroups;
  };

export type ProxyConfig = Common & {
  mode: "proxy";
  publicUrl: URL | null;
  secret: string;
  headers: { secret: string; user: string; email: string; groups: string; name: string };
  signOutUrl: string | null;
  roleGroups: RoleGroups;
};

export type DemoConfig = Common & SessionSettings & { mode: "demo" };
export type NoneConfig = Common & { mode: "none" };
export type AuthConfig = OidcConfig | ProxyConfig | DemoConfig | NoneConfig;

const headerName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, { error: "must be an HTTP header name such as x-forwarded-user" });

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });

export function parseAuthConfig(env: Env = processEnv()): AuthConfig {
  const problems: EnvProblem[] = [];
  const problem = (variable: string, message: string) => problems.push({ variable, message });
  const read = <T>(name: string, schema: z.ZodType<T>, fallback?: T): T | undefined => {
    const raw = env[name]?.trim() || undefined;
    if (raw === undefined) return fallback;
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    problem(name, result.error.issues[0]?.message ?? "invalid");
    return undefined;
  };
  const need = <T>(name: string, schema: z.ZodType<T>, why: string): T | undefined => {
    if (!env[name]?.trim()) problem(name, `is required ${why}`);
    return read(name, schema);
  };

  const nodeEnv = env.NODE_ENV ?? "development";
  const mode = read("AVIARY_AUTH_MODE", z.enum(AUTH_MODES, { error: `must be one of ${AUTH_MODES.join(", ")}` }), nodeEnv === "test" ? "none" : undefined);
  if (mode === undefined && !problems.length)
    problem("AVIARY_AUTH_MODE", "is not set: choose oidc (OpenID Connect), proxy (behind an authenticating proxy) or demo");
  const publicUrl =
    read(
      "AVIARY_PUBLIC_URL",
      httpUrl.transform((url) => new URL(url)),
      null,
    ) ?? null;
  if (publicUrl && publicUrl.pathname !== "/") problem("AVIARY_PUBLIC_URL", "must be an origin without a path (Aviary serves from /)");
  let trustedProxies = NO_TRUSTED_PROXIES;
  try {
    trustedProxies = parseTrustedProxies(env.AVIARY_TRUSTED_PROXIES);
  } catch (error) {
    problem("AVIARY_TRUSTED_PROXIES", `${(error as Error).message}; a comma-separated list of the proxies allowed to set X-Forwarded-For`);
  }

  const session = (): SessionSettings => ({
    sessionSecret:
      need(
        "AVIARY_SESSION_SECRET",
        z.string().min(32, { error: "must be at least 32 characters (try: openssl rand -base64 32)" }),
        `in ${mode} mode, to encrypt session cookies (try: openssl rand -base64 32)`,
      ) ?? "",
    sessionMaxAgeSeconds:
      read(
        "AVIARY_SESSION_MAX_AGE",
        z.coerce
          .number({ error: "must be a number of seconds" })
          .int()
          .min(300, { error: "must be at least 300 seconds" })
          .max(30 * 86_400, { error: "must be at most 30 days" }),
        12 * 3600,
      ) ?? 0,
    publicUrl,
  });
  const roleGroups = (): RoleGroups => {
    const text = env.AVIARY_ROLE_GROUPS?.trim();
    if (!text) {
      problem("AVIARY_ROLE_GROUPS", `is required in ${mode} mode to map groups to roles, e.g. '${ROLE_GROUPS_EXAMPLE}'`);
      return {};
    }
    try {
      return parseRoleGroups(text);
    } catch (error) {
      problem("AVIARY_ROLE_GROUPS", (error as Error).message);
      return {};
    }
  };

  let config: AuthConfig | null = null;
  switch (mode) {
    case "oidc": {
      const issuer = need(
        "AVIARY_OIDC_ISSUER",
        httpUrl.transform((url) => new URL(url)),
        "in oidc mode (the identity provider's issuer URL)",
      );
      if (issuer && issuer.protocol === "http:" && !isLoopback(issuer.hostname)) {
        problem("AVIARY_OIDC_ISSUER", "must be https:// (plain http is only accepted for a provider on 127.0.0.1/localhost)");
      }
      const clientId = need("AVIARY_OIDC_CLIENT_ID", z.string().min(1), "in oidc mode");
      if (!publicUrl)
        problem("AVIARY_PUBLIC_URL", "is required in oidc mode: the redirect URI registered at the identity provider is <AVIARY_PUBLIC_URL>/api/auth/callback");
      const scopes = read("AVIARY_OIDC_SCOPES", z.string().regex(/(^|\s)openid(\s|$)/, { error: 'must include "openid"' }), "openid profile email") ?? "";
      config = {
        mode,
        trustedProxies,
        ...session(),
        publicUrl: publicUrl ?? new URL("http://invalid"),
        issuer: issuer ?? new URL("http://invalid"),
        clientId: clientId ?? "",
        clientSecret: env.AVIARY_OIDC_CLIENT_SECRET?.trim() || null,
        scopes: scopes.split(/\s+/).join(" "),
        groupsClaim: read("AVIARY_OIDC_GROUPS_CLAIM", z.string().min(1), "groups") ?? "groups",
        providerName: env.AVIARY_OIDC_PROVIDER_NAME?.trim() || issuer?.hostname || "your identity provider",
        roleGroups: roleGroups(),
      };
      break;
    }
    case "proxy": {
      const secret = need(
        "AVIARY_PROXY_SECRET",
        z
          .string()
          .min(16, { error: "must be at least 16 characters" })
          .regex(/^[^,]*$/, { error: "must not contain a comma (a comma in the secret header is read as a repeated header)" }),
        "in proxy mode: the proxy sends it in AVIARY_PROXY_SECRET_HEADER so Aviary can trust its identity headers",
      );
      config = {
        mode,
        trustedProxies,
        publicUrl,
        secret: secret ?? "",
        headers: {
          secret: read("AVIARY_PROXY_SECRET_HEADER", headerName, "x-aviary-proxy-secret") ?? "",
          user: read("AVIARY_PROXY_USER_HEADER", headerName, "x-forwarded-user") ?? "",
          email: read("AVIARY_PROXY_EMAIL_HEADER", headerName, "x-forwarded-email") ?? "",
          groups: read("AVIARY_PROXY_GROUPS_HEADER", headerName, "x-forwarded-groups") ?? "",
          name: read("AVIARY_PROXY_NAME_HEADER", headerName, "x-forwarded-preferred-username") ?? "",
        },
        signOutUrl:
          read("AVIARY_PROXY_SIGN_OUT_URL", z.string().regex(/^(\/|https?:\/\/)/, { error: "must be a path (/oauth2/sign_out) or an http(s) URL" }), null) ??
          null,
        roleGroups: roleGroups(),
      };
      break;
    }
    case "demo":
      if (nodeEnv === "production" && env.AVIARY_DEMO_ACKNOWLEDGE !== DEMO_ACKNOWLEDGEMENT) {
        problem(
          "AVIARY_DEMO_ACKNOWLEDGE",
          `demo mode lets anyone sign in as any user, admin included; in production (NODE_ENV=production) it needs AVIARY_DEMO_ACKNOWLEDGE=${DEMO_ACKNOWLEDGEMENT}`,
        );
      }
      config = { mode, trustedProxies, ...session() };
      break;
    case "none":
      if (nodeEnv === "production")
        problem("AVIARY_AUTH_MODE", "none (no sign-in, everyone is admin) exists for tests and is refused when NODE_ENV=production; use oidc, proxy or demo");
      config = { mode, trustedProxies, publicUrl };
      break;
  }
  if (problems.length || !config) throw configurationError(problems, "Invalid sign-in configuration");
  return config;
}

export function isLoopback(hostname: string): boolean {
  return ["127.0.0.1", "localhost", "::1", "[::1]"].includes(hostname);
}

// Keyed by the environment object itself: the process's is parsed once, however many requests ask,
// and a caller handing another object (a script, a test) gets that one parsed, once.
const parsed = new WeakMap<Env, { config: AuthConfig } | { error: Error }>();

/** The sign-in configuration of `env` (the process's by default), parsed once; a bad one is reported on every call. */
export function authConfig(env: Env = processEnv()): AuthConfig {
  let outcome = parsed.get(env);
  if (!outcome) {
    try {
      outcome = { config: parseAuthConfig(env) };
    } catch (error) {
      outcome = { error: error as Error };
    }
    parsed.set(env, outcome);
  }
  if ("error" in outcome) throw outcome.error;
  return outcome.config;
}

/** Whether the app runs in demo mode; false when the configuration is broken (proxy.ts reports that). */
export function isDemoMode(read: () => AuthConfig): boolean {
  try {
    return read().mode === "demo";
  } catch {
    return false;
  }
}
