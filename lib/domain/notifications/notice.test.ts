import { describe, expect, it } from "vitest";
import { notificationsSchema, redactNotifications } from "./definition";
import { redactUrl } from "../redact-url";
import { retryDelayMs } from "./backoff";
import { slackPayload } from "./destinations/slack";
import { webhookBody } from "./destinations/webhook";
import { isNotifiable, noticeFromAuditEvent } from "./notice";

const rollout = { id: "0b8a2c52-8a45-4f0e-9d8e-3a1f5c0d7e11", name: "payments-v2", namespace: "shop" };
const event = {
  id: 42n,
  at: new Date("2026-12-15T12:40:52.120Z"),
  actorId: "aviary-analysis",
  actorEmail: null,
  action: "rollback",
  reason: "canary error rate 5.1% > 0.5% on 3 evaluations",
  outcome: "success",
  errorMessage: null,
  before: { canaryWeight: 25 },
  after: { canaryWeight: 0 },
};

describe("notices", () => {
  it("say who did what to which rollout, why, and link to it (journey 6)", () => {
    const notice = noticeFromAuditEvent({ event, rollout, baseUrl: "https://aviary.example.com/" });
    expect(notice).toMatchObject({
      id: "audit:42",
      type: "verdict",
      text: "Aviary rolled back payments-v2: canary error rate 5.1% > 0.5% on 3 evaluations (canary 25% -> 0%) (12:40:52 UTC)",
      rollout: { ...rollout, url: `https://aviary.example.com/rollouts/${rollout.id}` },
      actor: { id: "aviary-analysis", automated: true },
    });
    const person = noticeFromAuditEvent({
      event: {
        ...event,
        actorId: "u1",
        actorEmail: "dana@example.com",
        action: "promote",
        reason: null,
        before: { canaryWeight: 5 },
        after: { canaryWeight: 25 },
      },
      rollout,
      baseUrl: "http://x",
    });
    expect(person.type).toBe("action");
    expect(person.text).toBe("dana@example.com promoted to 25% payments-v2 (canary 5% -> 25%) (12:40:52 UTC)");
    const failed = noticeFromAuditEvent({ event: { ...event, outcome: "failed", errorMessage: "cluster unreachable" }, rollout, baseUrl: "http://x" });
    expect(failed.text).toBe("Aviary tried to rollback payments-v2 and it failed: cluster unreachable (12:40:52 UTC)");
  });

  it("are sent for actions that changed traffic or failed to, not for refusals or definition edits", () => {
    expect(isNotifiable({ action: "rollback", outcome: "success" })).toBe(true);
    expect(isNotifiable({ action: "promote", outcome: "failed" })).toBe(true);
    expect(isNotifiable({ action: "promote", outcome: "refused" })).toBe(false);
    expect(isNotifiable({ action: "update", outcome: "success" })).toBe(false);
  });

  it("reach Slack as text plus blocks, escaped, with the link", () => {
    const notice = noticeFromAuditEvent({ event: { ...event, reason: "p95 <300 & rising>" }, rollout, baseUrl: "https://aviary.example.com" });
    const payload = slackPayload(notice);
    expect(payload.text).toContain("p95 &lt;300 &amp; rising&gt;");
    expect(payload.text).toContain(`<https://aviary.example.com/rollouts/${rollout.id}|Open shop/payments-v2 in Aviary>`);
    expect(payload.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: expect.stringContaining("Aviary rolled back payments-v2") } },
      { type: "context", elements: [{ type: "mrkdwn", text: `<https://aviary.example.com/rollouts/${rollout.id}|Open shop/payments-v2 in Aviary>` }] },
    ]);
    expect(JSON.parse(webhookBody(notice))).toMatchObject({ version: 1, id: "audit:42", rollout: { url: expect.stringContaining("/rollouts/") } });
  });
});

describe("the notifications block", () => {
  it("validates with errors naming the field, and defaults global and waitingMinutes", () => {
    expect(notificationsSchema.parse({ slack: ["https://hooks.slack.com/services/T0/B0/xyz"] })).toEqual({
      slack: ["https://hooks.slack.com/services/T0/B0/xyz"],
      global: true,
      waitingMinutes: 30,
    });
    const bad = notificationsSchema.safeParse({ slack: ["ftp://x"], on: ["everything"], extra: 1 });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["slack.0", "on.0", ""]));
    expect(notificationsSchema.safeParse({ webhooks: [redactUrl("https://h.example.com/hook/abcdef")] }).error?.issues[0]?.message).toContain("redacted");
  });

  it("redacts URLs to their origin and last four characters", () => {
    expect(redactUrl("https://hooks.slack.com/services/T0/B0/secretXYZW")).toBe("https://hooks.slack.com/…XYZW");
    expect(redactNotifications({ slack: ["https://a.example/s/1234567"], webhooks: ["http://127.0.0.1:9/h"], global: true, waitingMinutes: 30 })).toEqual({
      slack: ["https://a.example/…4567"],
      webhooks: ["http://127.0.0.1:9/…"],
      global: true,
      waitingMinutes: 30,
    });
  });
});

describe("retry backoff", () => {
  it("doubles from the base up to the cap, jittered between half and all of it", () => {
    const policy = { baseMs: 1_000, capMs: 8_000 };
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    expect([1, 2, 3].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([500, 1_000, 2_000]);
  });
});
