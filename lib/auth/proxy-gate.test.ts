import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Env } from "@/lib/env";
import { proxy } from "@/proxy";
import { configureWith } from "@/test/config";

/** The gate in proxy.ts, called the way Next.js calls it (no server needed; no database is reached). */
const PROXY_MODE = { AVIARY_AUTH_MODE: "proxy", AVIARY_PROXY_SECRET: "gate-test-secret-0123", AVIARY_ROLE_GROUPS: '{"viewer":["eng"]}' };

function gate(path: string, { method = "GET", headers = {} }: { method?: string; headers?: Record<string, string> } = {}) {
  return proxy(new NextRequest(`http://aviary.test${path}`, { method, headers: { host: "aviary.test", ...headers } }));
}
const passedThrough = (response: Response) => response.headers.get("x-middleware-next") === "1";
const viewer = { "x-forwarded-user": "vera", "x-forwarded-groups": "eng", "x-aviary-proxy-secret": PROXY_MODE.AVIARY_PROXY_SECRET };

// Each test hands the container its own sign-in section (never process.env); put back after it.
const restores: (() => void)[] = [];
const signIn = (variables: Env) => restores.push(configureWith(variables, "auth"));
afterEach(() => {
  while (restores.length) restores.pop()!();
});

describe("proxy.ts", () => {
  it("keeps anonymous callers out: 401 for the API, a redirect to sign-in for pages", async () => {
    signIn(PROXY_MODE);
    const api = await gate("/api/rollouts/123/metrics?window=1h");
    expect(api.status).toBe(401);
    expect((await api.json()).error.code).toBe("UNAUTHENTICATED");
    const page = await gate("/rollouts/new?x=1");
    expect(page.status).toBe(307);
    expect(new URL(page.headers.get("location")!).pathname + new URL(page.headers.get("location")!).search).toBe("/signin?returnTo=%2Frollouts%2Fnew%3Fx%3D1");
  });

  it("lets the health checks and the sign-in flow through, and signed-in users", async () => {
    signIn(PROXY_MODE);
    for (const path of ["/api/healthz", "/api/readyz", "/api/auth/session", "/signin"]) expect(passedThrough(await gate(path))).toBe(true);
    expect(passedThrough(await gate("/api/slis", { headers: viewer }))).toBe(true);
    expect(passedThrough(await gate("/", { headers: viewer }))).toBe(true);
  });

  it("refuses cross-site state changes before anything else, sign-out included", async () => {
    signIn(PROXY_MODE);
    for (const path of ["/api/rollouts/1/actions", "/api/auth/logout", "/api/auth/demo"]) {
      const response = await gate(path, { method: "POST", headers: { ...viewer, origin: "https://evil.example" } });
      expect(response.status).toBe(403);
    }
    expect(passedThrough(await gate("/api/rollouts/1/actions", { method: "POST", headers: { ...viewer, origin: "http://aviary.test" } }))).toBe(true);
  });

  it("stops everything but liveness when sign-in is misconfigured, telling callers nothing but that; the log names the variable", async () => {
    signIn({ NODE_ENV: "production", AVIARY_AUTH_MODE: "oidc", AVIARY_OIDC_ISSUER: "http://idp.internal.corp:8080/realms/secret-realm" });
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await gate("/api/rollouts");
    expect(response.status).toBe(500);
    const body = JSON.stringify(await response.json());
    expect(body).toContain("sign-in is misconfigured; see the server log");
    const page = await gate("/");
    expect(page.status).toBe(500);
    expect(passedThrough(await gate("/api/healthz"))).toBe(true);
    const ready = await gate("/api/readyz");
    expect(ready.status).toBe(503);
    const readyBody = await ready.json();
    expect(readyBody.checks.signIn.reason).toBe("sign-in is misconfigured; see the server log");
    for (const text of [body, await page.text(), JSON.stringify(readyBody)]) {
      expect(text).not.toMatch(/AVIARY_|idp\.internal|secret-realm/);
    }
    expect(logged.mock.calls.flat().join("\n")).toContain("AVIARY_OIDC_ISSUER");
    logged.mockRestore();
  });

  it("refuses framing and sniffing on pages and API answers; pages get a script nonce that Next.js reads from the request", async () => {
    signIn(PROXY_MODE);
    const page = await gate("/", { headers: viewer });
    const csp = page.headers.get("content-security-policy")!;
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-eval");
    // NextResponse.next({ request: { headers } }) hands the changed request headers on like this.
    expect(page.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
    const again = (await gate("/", { headers: viewer })).headers.get("content-security-policy");
    expect(again).not.toBe(csp);

    for (const response of [page, await gate("/api/slis", { headers: viewer }), await gate("/api/rollouts"), await gate("/rollouts/new")]) {
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("same-origin");
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
    expect((await gate("/api/slis", { headers: viewer })).headers.get("content-security-policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
  });

  it("in demo mode answers only to loopback names and AVIARY_PUBLIC_URL's host (DNS rebinding)", async () => {
    const demo = { AVIARY_AUTH_MODE: "demo", AVIARY_SESSION_SECRET: "x".repeat(32) };
    signIn(demo);
    const at = (host: string, path = "/api/rollouts") => proxy(new NextRequest(`http://${host}${path}`, { headers: { host } }));
    const refused = await at("rebound.evil.example:3000");
    expect(refused.status).toBe(421);
    expect((await refused.json()).error.message).toContain("DNS rebinding");
    expect((await at("rebound.evil.example", "/")).status).toBe(421);
    expect((await at("127.0.0.1:3000")).status).toBe(401);
    expect((await at("[::1]:3000")).status).toBe(401);
    expect(passedThrough(await at("localhost:3000", "/signin"))).toBe(true);
    signIn({ ...demo, AVIARY_PUBLIC_URL: "http://aviary.lan:8080" });
    expect((await at("aviary.lan:8080")).status).toBe(401);
    expect((await at("aviary.lan")).status).toBe(421);
  });

  it("refuses identity headers that came more than once", async () => {
    signIn(PROXY_MODE);
    // Fetch joins a repeated header with ", ": a comma in the user header is the tell.
    const joined = await gate("/api/slis", { headers: { ...viewer, "x-forwarded-user": "mallory, vera" } });
    expect(joined.status).toBe(401);
    expect((await joined.json()).error.message).toContain("x-forwarded-user came more than once");
  });
});
