import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as overviewRoute from "@/app/api/notifications/route";
import * as rolloutRoute from "@/app/api/rollouts/[id]/notifications/route";
import { auditCursor, claimDeliveries } from "@/lib/db/notifications";
import { getDeps } from "@/lib/composition/deps";
import type { NotifyConfig } from "@/lib/server/notifications/config";
import { deliverOne } from "@/lib/server/notifications/deliver-notifications";
import { queueAuditNotices } from "@/lib/server/notifications/queue-audit-notices";
import { postWebhookVia } from "@/lib/outbound/post-webhook";
import { api } from "../api/client";
import { useFreshDatabase } from "../database";
import { allowLoopbackEgress } from "../egress";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { startReceiver, type Receiver } from "./receiver";

/**
 * The Microsoft Teams and Google Chat destinations (destinations/teams.ts, google-chat.ts) on the
 * real parts: PostgreSQL, the route handlers, the outbox and the egress guard, with a local
 * receiver standing in for each service. Each pass below is the dispatcher's own steps (queue the
 * log's new events, claim what is due, deliver each), without its timer.
 */
const kube = startKubeForFile();
let teams: Receiver;
let chat: Receiver;
let config: NotifyConfig;

beforeAll(async () => {
  allowLoopbackEgress(); // the local receivers below; the default policy refuses loopback
  await useFreshDatabase();
  [teams, chat] = await Promise.all([startReceiver(), startReceiver()]);
  config = {
    baseUrl: "https://aviary.example.com",
    slackUrl: null,
    webhookUrl: null,
    webhookSecret: null,
    timeoutMs: 2_000,
    retry: { baseMs: 100, capMs: 400, maxAttempts: 2 },
    waitingMinutes: 30,
  };
  await auditCursor(getDeps().db);
});

afterAll(async () => {
  await Promise.all([teams, chat].map((r) => r?.close()));
});

async function dispatch() {
  const deps = getDeps();
  await queueAuditNotices(deps, config);
  const claimed = await claimDeliveries(deps.db, { limit: 20, leaseMs: 30_000 });
  return Promise.all(claimed.map((delivery) => deliverOne(deps, config, postWebhookVia(deps.egress), delivery)));
}

const get = async (handler: (request: Request, context: never) => Promise<Response>, path: string, id?: string) => {
  const response = await handler(new Request(`http://aviary.test${path}`), (id ? { params: Promise.resolve({ id }) } : undefined) as never);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("Teams and Google Chat destinations", () => {
  it("receive a rollout's notice in their own shapes, unsigned, and are named by kind on its page and in the overview", async () => {
    const vs = kube.addVirtualService();
    const created = await api.create(rolloutInput({ virtualService: vs, notifications: { teams: [teams.url], googleChat: [chat.url] } }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect(JSON.stringify(created.body.notifications)).not.toContain("secret-path"); // shown redacted
    expect((await api.act(id, { action: "start", reason: "release <users/all> 2.4" })).status).toBe(200);

    const outcomes = await dispatch();
    expect(outcomes.map((o) => o.state)).toEqual(["delivered", "delivered"]);
    expect(teams.received).toHaveLength(1);
    expect(chat.received).toHaveLength(1);
    const link = `https://aviary.example.com/rollouts/${id}`;

    const [toTeams] = teams.received;
    expect(toTeams!.headers["content-type"]).toBe("application/json");
    expect(toTeams!.headers["x-aviary-signature"]).toBeUndefined(); // the URL is the credential, as for Slack
    const card = JSON.parse(toTeams!.body) as { type: string; attachments: { contentType: string; content: Record<string, unknown> }[] };
    expect(card.type).toBe("message");
    expect(card.attachments[0]!.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.attachments[0]!.content).toMatchObject({
      type: "AdaptiveCard",
      body: [
        { type: "TextBlock", text: expect.stringMatching(/^local-user started checkout-\w+: release <users\/all> 2\.4 \(canary 0% -> 5%\)/) },
        { type: "FactSet" },
      ],
      actions: [{ type: "Action.OpenUrl", url: link }],
    });

    const [toChat] = chat.received;
    expect(toChat!.headers["x-aviary-signature"]).toBeUndefined();
    const message = JSON.parse(toChat!.body) as { text: string; cardsV2: { card: { sections: { widgets: unknown[] }[] } }[] };
    expect(message.text).toMatch(new RegExp(`started checkout-\\w+: release \u2039users/all\u203a 2\\.4 .* <${link}\\|Open shop/checkout-\\w+ in Aviary>$`));
    expect(message.cardsV2[0]!.card.sections[0]!.widgets).toContainEqual({
      buttonList: { buttons: [{ text: "Open in Aviary", onClick: { openLink: { url: link } } }] },
    });

    const mine = await get(rolloutRoute.GET, `/api/rollouts/${id}/notifications`, id);
    const labels = (mine.body.deliveries as { destination: string; status: string }[]).map((d) => [d.destination.replace(/:\d+\//, ":PORT/"), d.status]);
    expect(labels.sort()).toEqual([
      ["Google Chat (this rollout) http://127.0.0.1:PORT/…" + chat.url.slice(-4), "delivered"],
      ["Microsoft Teams (this rollout) http://127.0.0.1:PORT/…" + teams.url.slice(-4), "delivered"],
    ]);
    const overview = await get(overviewRoute.GET, "/api/notifications");
    const rows = (overview.body.destinations as { destination: string; kind: string; delivered: number }[]).map((d) => [d.kind, d.destination, d.delivered]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ["teams", expect.stringMatching(/^Microsoft Teams \(a rollout's own, [0-9a-f]{16}\)$/), 1],
        ["google_chat", expect.stringMatching(/^Google Chat \(a rollout's own, [0-9a-f]{16}\)$/), 1],
      ]),
    );
    for (const receiver of [teams, chat]) expect(JSON.stringify(mine.body) + JSON.stringify(overview.body)).not.toContain(new URL(receiver.url).pathname);
  }, 30_000);

  it("refuse URLs the egress policy refuses, and bad lists, with a 400 naming each field and nothing written", async () => {
    const before = await getDeps().db.rollout.count();
    const metadata = await api.create(
      rolloutInput({
        virtualService: kube.addVirtualService(),
        notifications: { teams: ["http://169.254.169.254/hook"], googleChat: ["http://[::ffff:169.254.169.254]/x"] },
      }),
    );
    expect(metadata.status).toBe(400);
    expect(Object.keys(metadata.body.error.fields as object).sort()).toEqual(["notifications.googleChat.0", "notifications.teams.0"]);
    for (const message of Object.values(metadata.body.error.fields as Record<string, string>)) expect(message).toMatch(/^refused by the egress policy: /);
    expect(JSON.stringify(metadata.body)).not.toContain("169.254.169.254/hook"); // the URL is a secret: never echoed

    const bad = await api.create(
      rolloutInput({
        virtualService: kube.addVirtualService(),
        notifications: { teams: "https://example.com/hook", googleChat: ["ftp://chat.example.com/x"] },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({
      "notifications.teams": "teams must be a list of URLs",
      "notifications.googleChat.0": "googleChat must hold http:// or https:// URLs",
    });
    expect(await getDeps().db.rollout.count()).toBe(before);

    // An edit is held to the same rules, and a refused one changes nothing.
    const created = await api.create(rolloutInput({ virtualService: kube.addVirtualService() }));
    const id = created.body.id as string;
    const refused = await api.patch(id, { notifications: { teams: [teams.url, teams.url] } });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.error.fields as object)).toEqual(["notifications.teams.1"]);
    expect((await api.get(id)).body.notifications).toBeUndefined();
    const edited = await api.patch(id, { notifications: { googleChat: [chat.url], on: ["verdict"] } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.notifications).toEqual({
      googleChat: [`http://127.0.0.1:${new URL(chat.url).port}/…${chat.url.slice(-4)}`],
      on: ["verdict"],
      global: true,
      waitingMinutes: 30,
    });
  });
});
