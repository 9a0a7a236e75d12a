import { EncryptJWT } from "jose";
import { describe, expect, it } from "vitest";
import { cookieName, loginTransactionSchema, readCookie, seal, sessionSchema, unseal } from "./session-cookie";

const SECRET = "a-session-secret-of-at-least-32-chars!";
const session = { kind: "demo" as const, user: { id: "demo-vera", name: "Vera", email: null }, role: "viewer" as const };

describe("session cookie", () => {
  it("round-trips a session", async () => {
    const token = await seal("session", SECRET, session, 60);
    expect(token).not.toContain("demo-vera");
    expect(await unseal("session", SECRET, token, sessionSchema)).toEqual(session);
  });

  it("rejects another secret, a tampered token, and a token sealed for another purpose", async () => {
    const token = await seal("session", SECRET, session, 60);
    expect(await unseal("session", `${SECRET}x`, token, sessionSchema)).toBeNull();
    const flipped = token.slice(0, -5) + (token.at(-5) === "A" ? "B" : "A") + token.slice(-4);
    expect(await unseal("session", SECRET, flipped, sessionSchema)).toBeNull();
    expect(await unseal("oidc-login", SECRET, token, loginTransactionSchema)).toBeNull();
    expect(await unseal("session", SECRET, undefined, sessionSchema)).toBeNull();
    expect(await unseal("session", SECRET, "garbage", sessionSchema)).toBeNull();
  });

  it("rejects an expired session", async () => {
    const key = new Uint8Array(32);
    const expired = await new EncryptJWT({ data: session })
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", typ: "session" })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .encrypt(key);
    expect(await unseal("session", SECRET, expired, sessionSchema)).toBeNull();
  });

  it("rejects a well-sealed payload of the wrong shape (a forged role)", async () => {
    const token = await seal("session", SECRET, { ...session, role: "root" }, 60);
    expect(await unseal("session", SECRET, token, sessionSchema)).toBeNull();
  });

  it("uses the __Host- name over https and reads either", () => {
    expect(cookieName("aviary_session", true)).toBe("__Host-aviary_session");
    expect(cookieName("aviary_session", false)).toBe("aviary_session");
    expect(readCookie(new Headers({ cookie: "a=1; aviary_session=plain" }), "aviary_session")).toBe("plain");
    expect(readCookie(new Headers({ cookie: "aviary_session=plain; __Host-aviary_session=host" }), "aviary_session")).toBe("host");
    expect(readCookie(new Headers(), "aviary_session")).toBeUndefined();
  });

  it("over https reads only the __Host- name: a plain one may have been planted by a sibling subdomain", () => {
    const hostOnly = { hostOnly: true };
    expect(readCookie(new Headers({ cookie: "aviary_session=tossed" }), "aviary_session", hostOnly)).toBeUndefined();
    expect(readCookie(new Headers({ cookie: "aviary_session=tossed; __Host-aviary_session=host" }), "aviary_session", hostOnly)).toBe("host");
  });
});
