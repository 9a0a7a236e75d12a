import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhookSignature } from "./signature";

const secret = "a-shared-secret-of-some-length";
const body = JSON.stringify({ id: "audit:42", text: "Aviary rolled back payments-v2" });
const now = new Date("2026-12-15T12:00:00Z");

describe("webhook signatures (t=...,v1=HMAC-SHA-256 over `${t}.${body}`)", () => {
  it("verifies what it signed, within the tolerance either way", () => {
    const header = signWebhook({ secret, body, now });
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret, header, body, now })).toEqual({ ok: true, timestamp: now.getTime() / 1000 });
    expect(verifyWebhookSignature({ secret, header, body, now: new Date(now.getTime() + 299_000) }).ok).toBe(true);
    expect(verifyWebhookSignature({ secret, header, body, now: new Date(now.getTime() - 299_000) }).ok).toBe(true);
  });

  it("refuses a replay after the tolerance (a stale timestamp), even with a valid signature", () => {
    const header = signWebhook({ secret, body, now });
    const later = new Date(now.getTime() + 6 * 60_000);
    expect(verifyWebhookSignature({ secret, header, body, now: later })).toEqual({ ok: false, reason: "timestamp is 360 s away from now (tolerance 300 s)" });
  });

  it("refuses a tampered body, a moved timestamp, another secret, and malformed headers", () => {
    const header = signWebhook({ secret, body, now });
    expect(verifyWebhookSignature({ secret, header, body: body.replace("rolled back", "promoted"), now })).toEqual({
      ok: false,
      reason: "signature does not match",
    });
    const moved = header.replace(/t=(\d+)/, (_, t: string) => `t=${Number(t) + 1}`);
    expect(verifyWebhookSignature({ secret, header: moved, body, now }).ok).toBe(false);
    expect(verifyWebhookSignature({ secret: "another-secret-entirely", header, body, now }).ok).toBe(false);
    for (const bad of [undefined, "", "v1=abc", "t=abc,v1=00", `t=${now.getTime() / 1000}`, `t=${now.getTime() / 1000},v1=zz`]) {
      expect(verifyWebhookSignature({ secret, header: bad, body, now }).ok, String(bad)).toBe(false);
    }
  });

  it("accepts any of several v1 entries (secret rotation)", () => {
    const good = signWebhook({ secret, body, now }).split(",")[1]!;
    const t = now.getTime() / 1000;
    expect(verifyWebhookSignature({ secret, header: `t=${t},v1=${"0".repeat(64)},${good}`, body, now }).ok).toBe(true);
  });
});
