import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as auditEventsRoute from "@/app/api/audit-events/route";
import * as overviewRoute from "@/app/api/notifications/route";
import * as rolloutRoute from "@/app/api/rollouts/[id]/notifications/route";
import type { LeaderLock } from "@/lib/db/leader-lock";
import { auditCursor } from "@/lib/db/notifications";
import { signWebhook, verifyWebhookSignature } from "@/lib/domain/notifications/signature";
import { getDeps } from "@/lib/composition/deps";
import type { NotifyConfig } from "@/lib/server/notifications/config";
import { notificationTask } from "@/lib/background/notification-task";
import { startTasks } from "@/lib/background/runner";
import { createLogger } from "@/lib/log";
import { api } from "../api/client";
import { useFreshDatabase } from "../database";
import { allowLoopbackEgress } from "../egress";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { startReceiver, type Receiver } from "./receiver";

/**
 * Per-destination webhook secrets, on real parts (PostgreSQL, the sandbox Kubernetes API, the
 * route handlers) with two local receivers: the global webhook's, holding the global secret,
 * and one rollout's own webhook's, holding only the secret its definer gave. Each verifies with
 * its own secret; the rollout's cannot sign anything the global one accepts; neither secret is
 * ever shown by the API or kept in the audit log.
 */
const kube = startKubeForFile();
const GLOBAL_SECRET = "global-webhook-secret-0123456789";
const OWN_SECRET = "team-payments-own-secret-9876543210";
const ALWAYS_LEADER: LeaderLock = { check: async () => true, release: async () => {} };

let globalReceiver: Receiver;
let ownReceiver: Receiver;
let config: NotifyConfig;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  allowLoopbackEgress(); // the local receivers below; the default policy refuses loopback
  await useFreshDatabase();
  [globalReceiver, ownReceiver] = await Promise.all([startReceiver({ secret: GLOBAL_SECRET }), startReceiver({ secret: OWN_SECRET })]);
  config = {
    baseUrl: "https://aviary.example.com",
    slackUrl: null,
    webhookUrl: globalReceiver.url,
    webhookSecret: GLOBAL_SECRET,
    timeoutMs: 1_000,
    retry: { baseMs: 100, capMs: 400, maxAttempts: 2 },
    waitingMinutes: 30,
  };
  await auditCursor(getDeps().db);
  const deps = getDeps();
  stop = startTasks([notificationTask({ deps, config, leader: ALWAYS_LEADER, tickMs: 50, conditionsEveryMs: 3_600_000 })], {
    metrics: deps.metrics,
    log: createLogger({ write: () => {} }),
  });
});

afterEach(() => kube.restore());
afterAll(async () => {
  await stop?.();
  await Promise.all([globalReceiver, ownReceiver].map((r) => r?.close()));
});

async function arrived(receiver: Receiver, rolloutId: string, count: number) {
  const end = Date.now() + 15_000;
  for (;;) {
    const list = receiver.received.filter((r) => r.body.includes(rolloutId));
    if (list.length >= count) return list;
    if (Date.now() > end) {
      const rows = await getDeps().db.notificationDelivery.findMany({ where: { rolloutId }, select: { destination: true, status: true, lastError: true } });
      throw new Error(`expected ${count} requests at the receiver, got ${list.length}; deliveries: ${JSON.stringify(rows)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const read = async (handler: (request: Request, context: never) => Promise<Response>, path: string, id?: string) =>
  (await handler(new Request(`http://aviary.test${path}`), (id ? { params: Promise.resolve({ id }) } : undefined) as never)).text();

describe("a rollout's webhook with its own secret", () => {
  it("is signed with that secret, the global webhook with the global one, and neither can stand in for the other", async () => {
    const created = await api.create(
      rolloutInput({ virtualService: kube.addVirtualService(), notifications: { webhooks: [{ url: ownReceiver.url, secret: OWN_SECRET }] } }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await api.act(id, { action: "start", reason: "release 3.1" })).status).toBe(200);

    const [own] = await arrived(ownReceiver, id, 1);
    const [global] = await arrived(globalReceiver, id, 1);
    expect(own!.verified).toBe(true); // the rollout's receiver verifies with its own secret
    expect(global!.verified).toBe(true); // the global receiver with the global one
    const ownHeader = own!.headers["x-aviary-signature"] as string;
    expect(verifyWebhookSignature({ secret: GLOBAL_SECRET, header: ownHeader, body: own!.body }).ok).toBe(false);

    // Forgery: whoever runs the rollout's receiver signs a notice of their own and posts it to the global one.
    const forged = JSON.stringify({ ...JSON.parse(own!.body), id: "audit:999999", text: "local-user promoted everything to 100%" });
    const answer = await fetch(globalReceiver.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-aviary-signature": signWebhook({ secret: OWN_SECRET, body: forged }) },
      body: forged,
    });
    expect(answer.status).toBe(200); // the test receiver records everything; what matters is its verdict
    expect(globalReceiver.received.find((r) => r.body === forged)!.verified).toBe("signature does not match");
  }, 30_000);

  it("is write-only: absent from the rollout, its audit events, the notification views; an edit keeps it only when told", async () => {
    const created = await api.create(
      rolloutInput({ virtualService: kube.addVirtualService(), notifications: { webhooks: [{ url: ownReceiver.url, secret: OWN_SECRET }] } }),
    );
    const id = created.body.id as string;
    expect(created.body.notifications.webhooks).toEqual([{ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/…\d{4}$/), secret: "…" }]);

    // An edit that keeps the secret without sending it, and one that names a URL with nothing stored: refused by its field.
    const kept = await api.patch(id, { notifications: { webhooks: [{ url: ownReceiver.url, keepSecret: true }], on: ["action"] } });
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    const refused = await api.patch(id, { notifications: { webhooks: [{ url: `${ownReceiver.url}/other`, keepSecret: true }] } });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.error.fields)).toEqual(["notifications.webhooks.0.keepSecret"]);
    const stored = await getDeps().db.rollout.findUniqueOrThrow({ where: { id } });
    expect(stored.revision).toBe(kept.body.revision); // the refused edit wrote nothing
    expect(stored.notifications).toMatchObject({ webhooks: [{ url: ownReceiver.url, secret: OWN_SECRET }], on: ["action"] });

    expect((await api.act(id, { action: "start" })).status).toBe(200);
    const [own] = await arrived(ownReceiver, id, 1);
    expect(own!.verified).toBe(true); // still signed with the kept secret

    const shown = [
      JSON.stringify((await api.get(id)).body),
      JSON.stringify((await api.list()).body),
      JSON.stringify(kept.body),
      JSON.stringify(await getDeps().db.auditEvent.findMany({ where: { rolloutId: id } }), (_, v: unknown) => (typeof v === "bigint" ? String(v) : v)),
      await read(auditEventsRoute.GET, "/api/audit-events"),
      await read(rolloutRoute.GET, `/api/rollouts/${id}/notifications`, id),
      await read(overviewRoute.GET, "/api/notifications"),
    ];
    for (const text of shown) {
      expect(text).not.toContain(OWN_SECRET);
      expect(text).not.toContain(GLOBAL_SECRET);
      expect(text).not.toContain(new URL(ownReceiver.url).pathname);
    }
  }, 30_000);
});
