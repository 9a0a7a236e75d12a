import { describe, expect, it } from "vitest";
import { checkHost } from "./allowed-host";
import { parseAuthConfig } from "./config";

const demo = (publicUrl?: string) =>
  parseAuthConfig({
    NODE_ENV: "development",
    AVIARY_AUTH_MODE: "demo",
    AVIARY_SESSION_SECRET: "x".repeat(32),
    ...(publicUrl && { AVIARY_PUBLIC_URL: publicUrl }),
  });

describe("checkHost (DNS rebinding)", () => {
  it("answers loopback names on any port, and AVIARY_PUBLIC_URL's host", () => {
    const config = demo("https://aviary.example.com");
    for (const host of ["localhost", "localhost:3000", "127.0.0.1:3210", "[::1]:3000", "[::1]", "LOCALHOST:80", "aviary.example.com", "Aviary.Example.com"]) {
      expect(checkHost(config, host), host).toEqual({ ok: true });
    }
  });

  it("refuses any other Host in demo and none modes, saying why", () => {
    const config = demo("http://aviary.lan:8080");
    for (const host of [
      "evil.example",
      "evil.example:3000",
      "aviary.lan",
      "aviary.lan:8081",
      "127.0.0.2",
      "localhost.evil.example",
      "127.0.0.1@evil.example",
      "",
      null,
    ]) {
      const verdict = checkHost(config, host);
      expect(verdict.ok, String(host)).toBe(false);
      if (!verdict.ok) expect(verdict.reason).toContain("DNS rebinding");
    }
    expect(checkHost(parseAuthConfig({ NODE_ENV: "test" }), "evil.example").ok).toBe(false);
  });

  it("leaves oidc and proxy modes alone: they have a real sign-in", () => {
    const proxy = parseAuthConfig({
      NODE_ENV: "production",
      AVIARY_AUTH_MODE: "proxy",
      AVIARY_PROXY_SECRET: "s".repeat(16),
      AVIARY_ROLE_GROUPS: '{"viewer":["eng"]}',
    });
    expect(checkHost(proxy, "evil.example")).toEqual({ ok: true });
  });
});
