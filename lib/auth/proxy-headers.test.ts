import { afterEach, describe, expect, it } from "vitest";
import { stampRequest } from "../http/client-address";
import { parseAuthConfig, type ProxyConfig } from "./config";
import { identify } from "./identify";
import { identityFromProxyHeaders } from "./proxy-headers";
import { seal, SESSION_COOKIE } from "./session-cookie";

const STAMPED = Symbol.for("aviary.next-server.stamps-peer");
afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[STAMPED];
});

const SECRET = "proxy-secret-0123456789";
const config = parseAuthConfig({
  NODE_ENV: "production",
  AVIARY_AUTH_MODE: "proxy",
  AVIARY_PROXY_SECRET: SECRET,
  AVIARY_ROLE_GROUPS: '{"admin":["admins"],"viewer":["eng"]}',
}) as ProxyConfig;

/** A request as Node hands it to scripts/next-server.ts: the raw list, and the joined object Next sees. */
function nodeRequest(raw: [string, string][]) {
  const headers: Record<string, string> = {};
  for (const [name, value] of raw) headers[name.toLowerCase()] = headers[name.toLowerCase()] ? `${headers[name.toLowerCase()]}, ${value}` : value;
  const request = { headers: headers as Record<string, string | string[] | undefined>, rawHeaders: raw.flat(), socket: { remoteAddress: "10.0.0.5" } };
  stampRequest(request);
  return new Headers(request.headers as Record<string, string>);
}

describe("identity headers from the authenticating proxy", () => {
  const base: [string, string][] = [
    ["X-Aviary-Proxy-Secret", SECRET],
    ["X-Forwarded-User", "vera"],
    ["X-Forwarded-Email", "vera@example.com"],
  ];

  it("accepts one of each, with a list of groups and a name with a comma", () => {
    const found = identityFromProxyHeaders(
      config,
      nodeRequest([...base, ["X-Forwarded-Groups", "eng, sre"], ["X-Forwarded-Preferred-Username", "Lindqvist, Vera"]]),
    );
    expect(found).toEqual({ ok: true, user: { id: "vera", email: "vera@example.com", name: "Lindqvist, Vera" }, groups: ["eng", "sre"] });
  });

  it("refuses a groups or name header sent twice (a client's value the proxy added to instead of replacing)", () => {
    for (const extra of [
      [
        ["X-Forwarded-Groups", "admins"],
        ["x-forwarded-groups", "eng"],
      ],
      [
        ["X-Forwarded-Preferred-Username", "Admin"],
        ["X-Forwarded-Preferred-Username", "vera"],
      ],
    ] as [string, string][][]) {
      const found = identityFromProxyHeaders(config, nodeRequest([...base, ...extra]));
      expect(found).toMatchObject({ ok: false, reason: expect.stringContaining("came more than once") });
    }
  });

  it("refuses a repeated user, email or secret header even without the raw header list (the joined value has a comma)", () => {
    for (const [name, value] of [
      ["x-forwarded-user", "mallory, vera"],
      ["x-forwarded-email", "m@evil.example, vera@example.com"],
      ["x-aviary-proxy-secret", `guess, ${SECRET}`],
    ]) {
      const headers = new Headers({ "x-aviary-proxy-secret": SECRET, "x-forwarded-user": "vera", [name!]: value! });
      expect(identityFromProxyHeaders(config, headers), name).toMatchObject({
        ok: false,
        reason: `header ${name} came more than once; the authenticating proxy must replace identity headers, not add to them`,
      });
    }
  });
});

describe("session cookie names", () => {
  it("over https only the __Host- session cookie signs anyone in", async () => {
    const demo = parseAuthConfig({
      NODE_ENV: "development",
      AVIARY_AUTH_MODE: "demo",
      AVIARY_SESSION_SECRET: "x".repeat(32),
      AVIARY_PUBLIC_URL: "https://aviary.example.com",
    });
    if (demo.mode !== "demo") throw new Error("expected demo mode");
    const token = await seal("session", demo.sessionSecret, { kind: "demo", user: { id: "demo-dana", name: "Dana", email: null }, role: "admin" }, 600);
    expect((await identify(new Headers({ cookie: `${SESSION_COOKIE}=${token}` }), demo)).status).toBe("anonymous");
    expect((await identify(new Headers({ cookie: `__Host-${SESSION_COOKIE}=${token}` }), demo)).status).toBe("signed-in");
    const http = { ...demo, publicUrl: new URL("http://localhost:3000") };
    expect((await identify(new Headers({ cookie: `${SESSION_COOKIE}=${token}` }), http)).status).toBe("signed-in");
  });
});
