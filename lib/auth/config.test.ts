import { describe, expect, it } from "vitest";
import { authConfig, DEMO_ACKNOWLEDGEMENT, parseAuthConfig } from "./config";

const SECRET = "s".repeat(32);
const ROLES = '{"admin":["sre-leads"],"operator":["sre"],"viewer":["*"]}';
const oidc = {
  NODE_ENV: "production",
  AVIARY_AUTH_MODE: "oidc",
  AVIARY_SESSION_SECRET: SECRET,
  AVIARY_PUBLIC_URL: "https://aviary.example.com",
  AVIARY_OIDC_ISSUER: "https://login.example.com/realms/sre",
  AVIARY_OIDC_CLIENT_ID: "aviary",
  AVIARY_OIDC_CLIENT_SECRET: "shh",
  AVIARY_ROLE_GROUPS: ROLES,
};

function problemsOf(env: Record<string, string | undefined>): string {
  try {
    parseAuthConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the configuration to be refused");
}

describe("sign-in configuration", () => {
  it("reads a complete oidc configuration with defaults", () => {
    const config = parseAuthConfig(oidc);
    expect(config).toMatchObject({
      mode: "oidc",
      clientId: "aviary",
      clientSecret: "shh",
      scopes: "openid profile email",
      groupsClaim: "groups",
      providerName: "login.example.com",
      sessionMaxAgeSeconds: 43200,
    });
    expect(config.mode === "oidc" && config.issuer.href).toBe("https://login.example.com/realms/sre");
  });

  it("names every missing oidc variable at once", () => {
    const message = problemsOf({ NODE_ENV: "production", AVIARY_AUTH_MODE: "oidc" });
    for (const name of ["AVIARY_OIDC_ISSUER", "AVIARY_OIDC_CLIENT_ID", "AVIARY_SESSION_SECRET", "AVIARY_PUBLIC_URL", "AVIARY_ROLE_GROUPS"]) {
      expect(message).toContain(`${name}: `);
    }
  });

  it.each([
    [{ AVIARY_AUTH_MODE: "ldap" }, "AVIARY_AUTH_MODE: must be one of oidc, proxy, demo, none"],
    [{ AVIARY_SESSION_SECRET: "short" }, "AVIARY_SESSION_SECRET: must be at least 32 characters"],
    [{ AVIARY_SESSION_MAX_AGE: "soon" }, "AVIARY_SESSION_MAX_AGE: must be a number of seconds"],
    [{ AVIARY_OIDC_ISSUER: "http://login.example.com" }, "AVIARY_OIDC_ISSUER: must be https://"],
    [{ AVIARY_OIDC_ISSUER: "not a url" }, "AVIARY_OIDC_ISSUER: must be an http:// or https:// URL"],
    [{ AVIARY_OIDC_SCOPES: "profile email" }, 'AVIARY_OIDC_SCOPES: must include "openid"'],
    [{ AVIARY_PUBLIC_URL: "https://example.com/aviary" }, "AVIARY_PUBLIC_URL: must be an origin without a path"],
    [{ AVIARY_ROLE_GROUPS: '{"root":["x"]}' }, 'AVIARY_ROLE_GROUPS: unknown role "root"'],
  ])("names the bad variable: %o", (override, message) => {
    expect(problemsOf({ ...oidc, ...override })).toContain(message);
  });

  it("accepts plain http only for an identity provider on this machine", () => {
    expect(parseAuthConfig({ ...oidc, AVIARY_OIDC_ISSUER: "http://127.0.0.1:4400" }).mode).toBe("oidc");
  });

  it("requires AVIARY_AUTH_MODE outside tests instead of guessing", () => {
    expect(problemsOf({ NODE_ENV: "production" })).toContain("AVIARY_AUTH_MODE: is not set");
    expect(problemsOf({ NODE_ENV: "development" })).toContain("AVIARY_AUTH_MODE: is not set");
    expect(parseAuthConfig({ NODE_ENV: "test" }).mode).toBe("none");
  });

  it("refuses the no-sign-in mode in production", () => {
    expect(problemsOf({ NODE_ENV: "production", AVIARY_AUTH_MODE: "none" })).toContain(
      "AVIARY_AUTH_MODE: none (no sign-in, everyone is admin) exists for tests",
    );
  });

  it("refuses demo mode in production without the explicit acknowledgement", () => {
    const demo = { NODE_ENV: "production", AVIARY_AUTH_MODE: "demo", AVIARY_SESSION_SECRET: SECRET };
    expect(problemsOf(demo)).toContain(
      `AVIARY_DEMO_ACKNOWLEDGE: demo mode lets anyone sign in as any user, admin included; in production (NODE_ENV=production) it needs AVIARY_DEMO_ACKNOWLEDGE=${DEMO_ACKNOWLEDGEMENT}`,
    );
    expect(problemsOf({ ...demo, AVIARY_DEMO_ACKNOWLEDGE: "yes" })).toContain("AVIARY_DEMO_ACKNOWLEDGE");
    expect(parseAuthConfig({ ...demo, AVIARY_DEMO_ACKNOWLEDGE: DEMO_ACKNOWLEDGEMENT }).mode).toBe("demo");
    expect(parseAuthConfig({ ...demo, NODE_ENV: "development" }).mode).toBe("demo");
  });

  it("reads proxy mode with oauth2-proxy's header names by default", () => {
    const config = parseAuthConfig({
      NODE_ENV: "production",
      AVIARY_AUTH_MODE: "proxy",
      AVIARY_PROXY_SECRET: "p".repeat(16),
      AVIARY_ROLE_GROUPS: ROLES,
      AVIARY_PROXY_GROUPS_HEADER: "X-Auth-Request-Groups",
    });
    expect(config).toMatchObject({
      mode: "proxy",
      headers: { secret: "x-aviary-proxy-secret", user: "x-forwarded-user", email: "x-forwarded-email", groups: "x-auth-request-groups" },
    });
  });

  it("names the bad proxy variables", () => {
    const message = problemsOf({
      NODE_ENV: "production",
      AVIARY_AUTH_MODE: "proxy",
      AVIARY_PROXY_SECRET: "short",
      AVIARY_PROXY_USER_HEADER: "x user",
      AVIARY_ROLE_GROUPS: ROLES,
    });
    expect(message).toContain("AVIARY_PROXY_SECRET: must be at least 16 characters");
    expect(message).toContain("AVIARY_PROXY_USER_HEADER: must be an HTTP header name");
  });

  it("reads AVIARY_TRUSTED_PROXIES in every mode and names a bad entry", () => {
    expect(parseAuthConfig({ ...oidc, AVIARY_TRUSTED_PROXIES: "10.0.0.0/8, fd00::/8" }).trustedProxies.text).toBe("10.0.0.0/8,fd00::/8");
    expect(parseAuthConfig({ NODE_ENV: "test" }).trustedProxies.text).toBe("");
    const message = problemsOf({ NODE_ENV: "test", AVIARY_TRUSTED_PROXIES: "10.0.0.0/8, 10.0.0.0/40" });
    expect(message).toContain('AVIARY_TRUSTED_PROXIES: "10.0.0.0/40" is not an IPv4 or IPv6 address or CIDR range');
  });

  it("refuses a proxy secret with a comma, which would read as a repeated header", () => {
    expect(problemsOf({ NODE_ENV: "production", AVIARY_AUTH_MODE: "proxy", AVIARY_PROXY_SECRET: "0123456789,abcdef", AVIARY_ROLE_GROUPS: ROLES })).toContain(
      "AVIARY_PROXY_SECRET: must not contain a comma",
    );
  });

  it("re-reads the environment when it changes, and keeps reporting a bad one", () => {
    expect(authConfig({ NODE_ENV: "test" }).mode).toBe("none");
    expect(() => authConfig({ NODE_ENV: "production" })).toThrow(/AVIARY_AUTH_MODE/);
    expect(() => authConfig({ NODE_ENV: "production" })).toThrow(/AVIARY_AUTH_MODE/);
    expect(authConfig({ ...oidc }).mode).toBe("oidc");
  });
});
