import { afterEach, describe, expect, it, vi } from "vitest";
import { freePort } from "@/test/free-port";
import { parseAuthConfig } from "./config";
import { startOidcLogin } from "./sign-in-flow";

afterEach(() => vi.restoreAllMocks());

describe("sign-in failures in the server log", () => {
  it("an unreachable identity provider: the browser is sent back to /signin, the log names the issuer with its password masked", async () => {
    // Nothing listens on this port: a real connection, refused at once.
    const port = await freePort();
    const config = parseAuthConfig({
      NODE_ENV: "production",
      AVIARY_AUTH_MODE: "oidc",
      AVIARY_SESSION_SECRET: "s".repeat(32),
      AVIARY_PUBLIC_URL: "https://aviary.example.com",
      AVIARY_OIDC_ISSUER: `http://aviary:hunter2-secret@127.0.0.1:${port}/realms/sre`,
      AVIARY_OIDC_CLIENT_ID: "aviary",
      AVIARY_ROLE_GROUPS: '{"viewer":["*"]}',
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await startOidcLogin(new Request("https://aviary.example.com/api/auth/login?returnTo=/rollouts"), config);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toContain("error=provider-unreachable");
    const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)) as { level: string; msg: string; issuer: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "error", msg: "sign-in: cannot reach the identity provider" });
    expect(lines[0]!.issuer).toBe(`http://aviary:[redacted]@127.0.0.1:${port}/realms/sre`);
    expect(JSON.stringify(logged.mock.calls)).not.toContain("hunter2-secret");
  });
});
