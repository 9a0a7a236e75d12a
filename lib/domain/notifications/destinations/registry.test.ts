import { describe, expect, it } from "vitest";
import { notificationsEditSchema, notificationsSchema, redactNotifications, urlsByField } from "../definition";
import { noticeFromAuditEvent } from "../notice";
import { formatDestinationId, parseDestinationId } from "./destination-id";
import { googleChatPayload } from "./google-chat";
import { DESTINATION_KINDS, DESTINATIONS, destinationLabel, destinationMetricLabel } from "./registry";
import { teamsPayload } from "./teams";

const notice = noticeFromAuditEvent({
  event: {
    id: 7n,
    at: new Date("2026-12-15T12:40:52Z"),
    actorId: "user-1",
    actorEmail: "ana@example.com",
    action: "promote",
    reason: "looks fine <users/all> & <https://evil.example|click>",
    outcome: "success",
    errorMessage: null,
    before: { canaryWeight: 5 },
    after: { canaryWeight: 25 },
  },
  rollout: { id: "r-1", name: "payments-v2", namespace: "shop" },
  baseUrl: "https://aviary.example.com",
});

describe("the destination registry", () => {
  it("gives every kind its own field, label and metric label, and the ids of each read back as written", () => {
    expect(DESTINATION_KINDS.map((kind) => [kind, DESTINATIONS[kind].field, destinationLabel(kind), destinationMetricLabel(kind)])).toEqual([
      ["slack", "slack", "Slack", "slack"],
      ["webhook", "webhooks", "Webhook", "webhook"],
      ["teams", "teams", "Microsoft Teams", "teams"],
      ["google_chat", "googleChat", "Google Chat", "google_chat"],
    ]);
    // A kind this version does not know keeps the metric label set bounded.
    expect(destinationMetricLabel("pagerduty")).toBe("unknown");
    for (const kind of DESTINATION_KINDS) {
      for (const id of [{ scope: "global", kind } as const, { scope: "rollout", kind, digest: "0123456789abcdef" } as const]) {
        expect(parseDestinationId(formatDestinationId(id))).toEqual(id);
      }
    }
    expect(formatDestinationId({ scope: "rollout", kind: "google_chat", digest: "00ff" })).toBe("rollout:google_chat:00ff");
    for (const junk of ["", "global", "global:pagerduty", "rollout:slack", "rollout:slack:", "rollout:teams:XYZ", "global:slack:extra", "team:slack"]) {
      expect(parseDestinationId(junk), junk).toBeNull();
    }
  });

  it("validates Teams and Google Chat lists in the block by field, and shows them only redacted", () => {
    const teams = "https://example.webhook.office.com/webhookb2/abc/IncomingWebhook/def/secretTEAM";
    const chat = "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=secretCHAT";
    const block = notificationsSchema.parse({ teams: [teams], googleChat: [chat] });
    expect(block).toEqual({ teams: [teams], googleChat: [chat], global: true, waitingMinutes: 30 });
    expect(urlsByField(block)).toEqual({ slack: [], webhooks: [], teams: [teams], googleChat: [chat] });
    expect(redactNotifications(block)).toMatchObject({
      teams: ["https://example.webhook.office.com/…TEAM"],
      googleChat: ["https://chat.googleapis.com/…ages?key=…&token=…"],
    });
    expect(notificationsEditSchema.parse({ teams: [teams] })).toMatchObject({ teams: [teams] });

    const bad = notificationsSchema.safeParse({ teams: "https://example.com/hook", googleChat: ["ftp://chat.example.com/x", chat, chat] });
    expect(bad.success).toBe(false);
    const issues = bad.error!.issues.map((issue) => [issue.path.join("."), issue.message]);
    expect(issues).toEqual([
      ["teams", "teams must be a list of URLs"],
      ["googleChat.0", "googleChat must hold http:// or https:// URLs"],
      ["googleChat.2", "googleChat lists this URL twice"],
    ]);
    const many = notificationsSchema.safeParse({ teams: Array.from({ length: 6 }, (_, i) => `https://example.com/${i}`) });
    expect(many.error?.issues[0]).toMatchObject({ path: ["teams"], message: "teams may list at most 5 URLs" });
    expect(notificationsSchema.safeParse({ msteams: [teams] }).error?.issues[0]?.message).toBe(
      "notifications must be an object {slack?, webhooks?, teams?, googleChat?, on?, global?, waitingMinutes?}",
    );
  });
});

describe("the bodies posted", () => {
  it("for Teams: an Adaptive Card in a message envelope, the sentence, its facts and a link to the rollout", () => {
    const card = teamsPayload(notice).attachments[0]!;
    expect(card.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.content).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
    expect(card.content.body[0]).toMatchObject({ type: "TextBlock", text: notice.text, wrap: true });
    expect(card.content.body[1]).toEqual({
      type: "FactSet",
      facts: [
        { title: "Rollout", value: "shop/payments-v2" },
        { title: "Notice", value: "action" },
        { title: "Action", value: "promote (success)" },
        { title: "Canary", value: "5% -> 25%" },
      ],
    });
    expect(card.content.actions).toEqual([{ type: "Action.OpenUrl", title: "Open in Aviary", url: "https://aviary.example.com/rollouts/r-1" }]);
    expect(JSON.parse(DESTINATIONS.teams.body(notice))).toEqual(teamsPayload(notice));
  });

  it("for Google Chat: text in which our words cannot mention everyone or make a link, and a card with a button", () => {
    const payload = googleChatPayload(notice);
    expect(payload.text).not.toMatch(/<users\/all>|<https:\/\/evil/);
    expect(payload.text).toContain("looks fine \u2039users/all\u203a");
    expect(payload.text).toMatch(/ <https:\/\/aviary\.example\.com\/rollouts\/r-1\|Open shop\/payments-v2 in Aviary>$/);
    const card = payload.cardsV2[0]!;
    expect(card.cardId).toBe("audit:7");
    expect(card.card.header).toEqual({ title: "Aviary", subtitle: "shop/payments-v2" });
    expect(card.card.sections[0]!.widgets).toEqual([
      { textParagraph: { text: expect.stringContaining("looks fine &lt;users/all&gt; &amp; &lt;https://evil.example|click&gt;") } },
      { buttonList: { buttons: [{ text: "Open in Aviary", onClick: { openLink: { url: "https://aviary.example.com/rollouts/r-1" } } }] } },
    ]);
  });
});
