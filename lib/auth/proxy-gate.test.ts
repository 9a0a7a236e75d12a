import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { proxy } from "@/proxy";

/** The gate in proxy.ts, called the way Next.js calls it (no server needed; no database is reached). */
const PROXY_MODE = { AVIARY_AUTH_MODE: "proxy", AVIARY_PROXY_SECRET: "gate-test-secret-0123", AVIARY_ROLE_GROUPS: '{"viewer":["eng"]}' };

function gate(path: string, { method = "GET", headers = {} }: { method?: string; headers?: Record<string, string> } = {}) {
  return proxy(new NextRequest(`http://aviary.test${path}`, { method, headers: { host: "aviary.test", ...headers } }));
}
const passedThrough = (response: Response) => response.headers.get("x-middleware-next") === "1";
const viewer = { "x-forwarded-user": "vera", "x-forwarded-groups": "eng", "x-aviary-proxy-secret": PROXY_MODE.AVIARY_PROXY_SECRET };

afterEach(() => vi.unstubAllEnvs());

describe("proxy.ts", () => {
  it("keeps anonymous callers out: 401 for the API, a redirect to sign-in for pages", async () => {
    for (const [name, value] of Object.entries(PROXY_MODE)) vi.stubEnv(name, value);
    const api = await gate("/api/rollouts/123/metrics?window=1h");
    expect(api.status).toBe(401);
    expect((await api.json()).error.code).toBe("UNAUTHENTICATED");
    const page = await gate("/rollouts/new?x=1");
    expect(page.status).toBe(307);
    expect(new URL(page.headers.get("location")!).pathname + new URL(page.headers.get("location")!).search).toBe("/signin?returnTo=%2Frollouts%2Fnew%3Fx%3D1");
  });

  it("lets the health checks and the sign-in flow through, and signed-in users", async () => {
    for (const [name, value] of Object.entries(PROXY_MODE)) vi.stubEnv(name, value);
    for (const path of ["/api/healthz", "/api/readyz", "/api/auth/session", "/signin"]) expect(passedThrough(await gate(path))).toBe(true);
    expect(passedThrough(await gate("/api/slis", { headers: viewer }))).toBe(true);
    expect(passedThrough(await gate("/", { headers: viewer }))).toBe(true);
  });

  it("refuses cross-site state changes before anything else, sign-out included", async () => {
    for (const [name, value] of Object.entries(PROXY_MODE)) vi.stubEnv(name, value);
    for (const path of ["/api/rollouts/1/actions", "/api/auth/logout", "/api/auth/demo"]) {
      const response = await gate(path, { method: "POST", headers: { ...viewer, origin: "https://evil.example" } });
      expect(response.status).toBe(403);
    }
    expect(passedThrough(await gate("/api/rollouts/1/actions", { method: "POST", headers: { ...viewer, origin: "http://aviary.test" } }))).toBe(true);
  });

  it("stops everything but liveness, and says not ready, when sign-in is misconfigured, naming the variable", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("AVIARY_AUTH_MODE", "");
    const response = await gate("/api/rollouts");
    expect(response.status).toBe(500);
    expect((await response.json()).error.message).toContain("AVIARY_AUTH_MODE: is not set");
    expect((await gate("/")).status).toBe(500);
    expect(passedThrough(await gate("/api/healthz"))).toBe(true);
    const ready = await gate("/api/readyz");
    expect(ready.status).toBe(503);
    expect((await ready.json()).checks.signIn.reason).toContain("AVIARY_AUTH_MODE");
  });
});
