import { describe, expect, it } from "vitest";
import { redactUrl } from "./redact-url";

describe("redactUrl", () => {
  it("keeps the origin and the path's last four characters", () => {
    expect(redactUrl("https://hooks.slack.com/services/T0/B0/secretXYZW")).toBe("https://hooks.slack.com/…XYZW");
    expect(redactUrl("http://127.0.0.1:9/h")).toBe("http://127.0.0.1:9/…");
    expect(redactUrl("https://h.example.com/hook/abcdef/")).toBe("https://h.example.com/…cdef");
  });

  it("hides every query value, keeping the names (a token in the query string is a credential)", () => {
    expect(redactUrl("https://h.example.com/hook?token=abc")).toBe("https://h.example.com/…hook?token=…");
    expect(redactUrl("https://h.example.com/x?token=s3cr3t&team=ops&sig=a%3Db")).toBe("https://h.example.com/…?token=…&team=…&sig=…");
    // Before: the last four characters of path + query, i.e. the end of the token.
    expect(redactUrl("https://h.example.com/hook?token=abcdWXYZ")).not.toContain("WXYZ");
  });

  it("hides a bare query part, credentials in the authority and the fragment", () => {
    expect(redactUrl("https://h.example.com/hook?s3cr3tvalue")).toBe("https://h.example.com/…hook?…");
    expect(redactUrl("https://h.example.com/hook?=v&&k=")).toBe("https://h.example.com/…hook?…&k=…");
    const shown = redactUrl("https://user:p4ssword@h.example.com:8443/hook#frag-secret");
    expect(shown).toBe("https://h.example.com:8443/…hook");
    expect(shown).not.toMatch(/p4ss|frag/);
  });

  it("bounds long parameter names and shows what is not a URL as a mark only", () => {
    expect(redactUrl(`https://h.example.com/?${"n".repeat(60)}=1`)).toBe(`https://h.example.com/…?${"n".repeat(40)}…=…`);
    expect(redactUrl("not a url ?token=abc")).toBe("…");
  });
});
