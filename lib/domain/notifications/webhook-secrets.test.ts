import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { mergeDefinition, rolloutDefinitionPatchSchema, rolloutDefinitionSchema } from "../rollout-definition";
import type { RolloutDefinition } from "../rollout";
import { fieldErrorsFrom } from "../validation-errors";
import { notificationsEditSchema, notificationsSchema, redactNotifications } from "./definition";
import { deriveWebhookSecret, signWebhook, verifyWebhookSignature } from "./signature";
import { ownWebhookSecret, resolveKeptSecrets } from "./webhook-secrets";

const URL_A = "https://hooks.example.com/aviary/team-a?token=abc123";
const SECRET_A = "team-a-own-secret-0123456789";
const GLOBAL = "the-global-webhook-secret-0123";
/** The field errors as the API answers them. */
const fields = (result: { error?: z.ZodError }) => (result.error ? fieldErrorsFrom(result.error) : {});

describe("a webhooks entry: a URL, or {url, secret}", () => {
  it("accepts both, and stores {url} without a secret as the bare URL", () => {
    const block = notificationsSchema.parse({ webhooks: [URL_A, { url: "https://b.example.com/h", secret: SECRET_A }, { url: "https://c.example.com/h" }] });
    expect(block.webhooks).toEqual([URL_A, { url: "https://b.example.com/h", secret: SECRET_A }, "https://c.example.com/h"]);
  });

  it("names the bad field of each entry", () => {
    const bad = notificationsSchema.safeParse({
      webhooks: [
        { url: "ftp://x", secret: SECRET_A },
        { url: "https://a.example.com/h", secret: "short" },
        { url: "https://b.example.com/h", secret: "has spaces in it, sixteen+" },
        { url: "https://c.example.com/h", token: "x" },
        "https://d.example.com/…XYZW",
      ],
    });
    expect(fields(bad)).toEqual({
      "webhooks.0.url": "webhooks must hold http:// or https:// URLs",
      "webhooks.1.secret": "secret must be 16 to 256 visible ASCII characters (no spaces)",
      "webhooks.2.secret": "secret must be 16 to 256 visible ASCII characters (no spaces)",
      "webhooks.3.token": 'unknown field "token"',
      "webhooks.4": "webhooks: this is a redacted URL as Aviary shows it; give the full URL",
    });
    expect(fields(notificationsSchema.safeParse({ webhooks: [42] }))).toEqual({ "webhooks.0": "webhooks entries are URLs or objects {url, secret?}" });
    expect(fields(notificationsSchema.safeParse({ webhooks: [URL_A, { url: URL_A, secret: SECRET_A }] }))).toEqual({
      "webhooks.1": "webhooks lists this URL twice",
    });
  });

  it("refuses the redacted form sent back, secret included, and keepSecret outside an edit", () => {
    const shown = redactNotifications(notificationsSchema.parse({ webhooks: [{ url: URL_A, secret: SECRET_A }] }));
    expect(shown.webhooks).toEqual([{ url: "https://hooks.example.com/…am-a?token=…", secret: "…" }]);
    const back = fields(notificationsSchema.safeParse({ webhooks: [{ url: "https://hooks.example.com/aviary", secret: "…" }] }));
    expect(back["webhooks.0.secret"]).toContain("redacted");
    expect(fields(notificationsSchema.safeParse({ webhooks: [{ url: URL_A, keepSecret: true }] }))["webhooks.0.keepSecret"]).toContain("on an edit");
    expect(fields(notificationsEditSchema.safeParse({ webhooks: [{ url: URL_A, keepSecret: true, secret: SECRET_A }] }))).toEqual({
      "webhooks.0.keepSecret": "give secret or keepSecret, not both",
    });
  });
});

describe("an edit keeps a stored secret only when it says keepSecret", () => {
  const stored = notificationsSchema.parse({ webhooks: [{ url: URL_A, secret: SECRET_A }, "https://b.example.com/h"] });

  it("takes the stored secret for keepSecret, drops it for a bare URL, refuses keepSecret where none is stored", () => {
    const edit = notificationsEditSchema.parse({ webhooks: [{ url: URL_A, keepSecret: true }], on: ["drift"] });
    expect(resolveKeptSecrets(edit, stored).webhooks).toEqual([{ url: URL_A, secret: SECRET_A }]);
    expect(resolveKeptSecrets(notificationsEditSchema.parse({ webhooks: [URL_A] }), stored).webhooks).toEqual([URL_A]);
    const none = notificationsEditSchema.parse({ webhooks: [URL_A, { url: "https://b.example.com/h", keepSecret: true }] });
    expect(() => resolveKeptSecrets(none, stored)).toThrow(
      expect.objectContaining({ code: "VALIDATION", fields: { "notifications.webhooks.1.keepSecret": expect.any(String) } }),
    );
    expect(ownWebhookSecret(stored, URL_A)).toBe(SECRET_A);
    expect(ownWebhookSecret(stored, "https://b.example.com/h")).toBeNull();
  });

  it("through a PATCH's merge: the merged definition holds the secret, never keepSecret", () => {
    const base = { ...definition(), notifications: stored } as RolloutDefinition;
    const patch = rolloutDefinitionPatchSchema.parse({ notifications: { webhooks: [{ url: URL_A, keepSecret: true }], waitingMinutes: 5 } });
    const merged = mergeDefinition(base, patch);
    expect(merged.success && merged.data.notifications).toEqual({ webhooks: [{ url: URL_A, secret: SECRET_A }], global: true, waitingMinutes: 5 });
  });
});

describe("the derived secret of a webhook without its own", () => {
  it("differs per URL, is not the global secret, and signs nothing the global receiver accepts", () => {
    const derived = deriveWebhookSecret({ globalSecret: GLOBAL, url: URL_A });
    expect(derived).toMatch(/^[0-9a-f]{64}$/);
    expect(derived).not.toBe(GLOBAL);
    expect(deriveWebhookSecret({ globalSecret: GLOBAL, url: `${URL_A}x` })).not.toBe(derived);
    expect(deriveWebhookSecret({ globalSecret: `${GLOBAL}2`, url: URL_A })).not.toBe(derived);
    const body = JSON.stringify({ id: "audit:1", text: "forged" });
    const forged = signWebhook({ secret: derived, body });
    expect(verifyWebhookSignature({ secret: GLOBAL, header: forged, body })).toEqual({ ok: false, reason: "signature does not match" });
    expect(verifyWebhookSignature({ secret: derived, header: forged, body }).ok).toBe(true);
  });
});

function definition() {
  return rolloutDefinitionSchema.parse({
    name: "checkout-v2",
    namespace: "shop",
    virtualService: "checkout",
    route: "primary",
    stable: { host: "checkout", subset: "stable" },
    canary: { host: "checkout", subset: "canary" },
    steps: [{ weight: 5 }, { weight: 100 }],
    metrics: { stableWorkload: "checkout-v1", canaryWorkload: "checkout-v2" },
    slo: { availability: 99.9, latencyP95Ms: 300 },
  });
}
