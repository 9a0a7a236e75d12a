import { describe, expect, it } from "vitest";
import { checkSameOrigin } from "./same-origin";

const check = (method: string, headers: Record<string, string>, expectedOrigin: string | null = null) =>
  checkSameOrigin({ method, headers: new Headers(headers), expectedOrigin }).ok;

describe("cross-site request check", () => {
  it("lets reads through whatever their origin", () => {
    expect(check("GET", { "sec-fetch-site": "cross-site" })).toBe(true);
    expect(check("HEAD", { origin: "https://evil.example" })).toBe(true);
  });

  it("trusts the browser's Sec-Fetch-Site first", () => {
    expect(check("POST", { "sec-fetch-site": "same-origin", host: "aviary.example" })).toBe(true);
    expect(check("POST", { "sec-fetch-site": "none" })).toBe(true);
    expect(check("POST", { "sec-fetch-site": "cross-site", origin: "https://aviary.example", host: "aviary.example" })).toBe(false);
    expect(check("DELETE", { "sec-fetch-site": "same-site" })).toBe(false);
  });

  it("compares Origin with the Host header, or with AVIARY_PUBLIC_URL when set", () => {
    expect(check("POST", { origin: "http://aviary.example:8080", host: "aviary.example:8080" })).toBe(true);
    expect(check("POST", { origin: "https://evil.example", host: "aviary.example" })).toBe(false);
    expect(check("PATCH", { origin: "https://aviary.example", host: "10.0.0.7:3000", "x-forwarded-host": "aviary.example" })).toBe(true);
    expect(check("POST", { origin: "https://aviary.example", host: "internal:3000" }, "https://aviary.example")).toBe(true);
    expect(check("POST", { origin: "http://aviary.example", host: "aviary.example" }, "https://aviary.example")).toBe(false);
    expect(check("POST", { origin: "null", host: "aviary.example" })).toBe(false);
  });

  it("lets scripts without browser headers through: they carry no ambient cookies", () => {
    expect(check("POST", { host: "aviary.example" })).toBe(true);
  });

  it("says why it refused", () => {
    const verdict = checkSameOrigin({ method: "POST", headers: new Headers({ origin: "https://evil.example", host: "a" }), expectedOrigin: null });
    expect(verdict).toEqual({ ok: false, reason: expect.stringContaining("cross-site request refused (origin https://evil.example)") });
  });
});
