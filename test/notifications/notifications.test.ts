import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as overviewRoute from "@/app/api/notifications/route";
import * as rolloutRoute from "@/app/api/rollouts/[id]/notifications/route";
import type { LeaderLock } from "@/lib/db/leader-lock";
import { auditCursor } from "@/lib/db/notifications";
import { deriveWebhookSecret, verifyWebhookSignature } from "@/lib/domain/notifications/signature";
import { getDeps, type Deps } from "@/lib/composition/deps";
import type { NotifyConfig } from "@/lib/server/notifications/config";
import { notificationTask } from "@/lib/background/notification-task";
import { startTasks } from "@/lib/background/runner";
import { createLogger } from "@/lib/log";
import { watchConditions } from "@/lib/server/notifications/watch-conditions";
import { api } from "../api/client";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { freePort } from "../free-port";
import { startKubeForFile } from "../kube";
import { startReceiver, type Receiver } from "./receiver";
import { allowLoopbackEgress } from "../egress";

/**
 * Notifications on the real parts: PostgreSQL, the sandbox Kubernetes API, the real route
 * handlers for actions, and local HTTP receivers: one that answers at once (verifying the HMAC),
 * one that is down (a closed port) and one slower than the timeout.
 */
const kube = startKubeForFile();
const SECRET = "test-webhook-secret-0123456789";
const TIMEOUT_MS = 1_000;
const SLOW_MS = 4_000;
const ALWAYS_LEADER: LeaderLock = { check: async () => true, release: async () => {} };

let webhook: Receiver;
let slack: Receiver;
let slow: Receiver;
let downUrl: string;
let config: NotifyConfig;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  allowLoopbackEgress(); // the local receivers below; the default policy refuses loopback
  await useFreshDatabase();
  // The slow receiver is a rollout's webhook without a secret of its own: it holds the one derived for its URL.
  const derived = (url: string) => deriveWebhookSecret({ globalSecret: SECRET, url });
  [webhook, slack, slow] = await Promise.all([startReceiver({ secret: SECRET }), startReceiver(), startReceiver({ secret: derived, delayMs: SLOW_MS })]);
  downUrl = `http://127.0.0.1:${await freePort()}/hooks/nobody-home`;
  config = {
    baseUrl: "https://aviary.example.com",
    slackUrl: slack.url,
    webhookUrl: webhook.url,
    webhookSecret: SECRET,
    timeoutMs: TIMEOUT_MS,
    retry: { baseMs: 100, capMs: 400, maxAttempts: 3 },
    waitingMinutes: 30,
  };
  await auditCursor(getDeps().db); // the cursor starts at the log's head: only what follows is announced
});

afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  await kube.restore();
});

afterAll(async () => {
  await Promise.all([webhook, slack, slow].map((r) => r?.close()));
});

function dispatcher(deps: Deps = getDeps()) {
  const stop = startTasks([notificationTask({ deps, config, leader: ALWAYS_LEADER, tickMs: 50, conditionsEveryMs: 3_600_000 })], {
    metrics: deps.metrics,
    log: createLogger({ write: () => {} }),
  });
  stops.push(stop);
}

async function waitFor<T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function newRollout(overrides: Record<string, unknown> = {}) {
  const vs = kube.addVirtualService();
  const created = await api.create(rolloutInput({ virtualService: vs, ...overrides }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id as string, vs };
}

const deliveries = (rolloutId: string) => getDeps().db.notificationDelivery.findMany({ where: { rolloutId }, orderBy: { id: "asc" } });
const bodies = (receiver: Receiver, rolloutId: string) =>
  receiver.received.filter((r) => r.body.includes(rolloutId)).map((r) => ({ ...r, json: JSON.parse(r.body) as Record<string, unknown> }));

const get = async (handler: (request: Request, context: never) => Promise<Response>, path: string, id?: string) => {
  const response = await handler(new Request(`http://aviary.test${path}`), (id ? { params: Promise.resolve({ id }) } : undefined) as never);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("the notifications block of a rollout", () => {
  it("is validated with errors naming the field, may change while the rollout runs, and is shown and audited redacted", async () => {
    const vs = kube.addVirtualService();
    const bad = await api.create(rolloutInput({ virtualService: vs, notifications: { slack: ["not a url"], on: ["gossip"], waitingMinutes: 0 } }));
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields as object).sort()).toEqual(["notifications.on.0", "notifications.slack.0", "notifications.waitingMinutes"]);

    const { id } = await newRollout();
    expect((await api.act(id, { action: "start" })).status).toBe(200);
    const hook = "http://127.0.0.1:9/services/T000/B000/verysecretXYZW"; // nothing listens: never a real Slack
    const patched = await api.patch(id, { notifications: { slack: [hook], on: ["verdict", "drift"] } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.notifications).toEqual({ slack: ["http://127.0.0.1:9/…XYZW"], on: ["verdict", "drift"], global: true, waitingMinutes: 30 });
    const stored = await getDeps().db.rollout.findUniqueOrThrow({ where: { id } });
    expect(stored.notifications).toMatchObject({ slack: [hook] }); // kept in full for sending
    const audit = await getDeps().db.auditEvent.findFirstOrThrow({ where: { rolloutId: id, action: "update" } });
    expect(JSON.stringify(audit.after)).not.toContain("verysecret");
    // Sending the redacted form back is refused by name rather than saved.
    const roundTrip = await api.patch(id, { notifications: patched.body.notifications });
    expect(roundTrip.status).toBe(400);
    expect(roundTrip.body.error.fields["notifications.slack.0"]).toContain("redacted");
  });
});

describe("notifications", () => {
  it("announce an action on Slack and a signed webhook, linking to the rollout, without the action waiting for the slow receiver", async () => {
    const { id } = await newRollout({ notifications: { webhooks: [downUrl, slow.url] } });
    dispatcher();

    const started = Date.now();
    const answer = await api.act(id, { action: "start", reason: "release 2.4" });
    const returnedAt = Date.now();
    expect(answer.status).toBe(200);

    // The webhook: signed over timestamp and body, the event id in a header and in the body, the link.
    const [hook] = await waitFor(
      "webhook delivery",
      () => bodies(webhook, id),
      (list) => list.length === 1,
    );
    expect(hook!.verified).toBe(true);
    expect(hook!.headers["x-aviary-event-id"]).toBe(hook!.json.id);
    expect(hook!.json).toMatchObject({
      version: 1,
      type: "action",
      action: "start",
      outcome: "success",
      reason: "release 2.4",
      rollout: { id, url: `https://aviary.example.com/rollouts/${id}` },
      weights: { before: 0, after: 5 },
    });
    expect(hook!.json.text).toMatch(/^local-user started checkout-\w+: release 2\.4 \(canary 0% -> 5%\)/);
    // Slack: text plus blocks, the link in Slack's <url|label> form.
    const [message] = await waitFor(
      "slack delivery",
      () => bodies(slack, id),
      (list) => list.length === 1,
    );
    expect(message!.json).toEqual({
      text: expect.stringContaining(`<https://aviary.example.com/rollouts/${id}|Open shop/`),
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: expect.stringContaining("started checkout-") } },
        { type: "context", elements: [{ type: "mrkdwn", text: expect.stringContaining(`https://aviary.example.com/rollouts/${id}`) }] },
      ],
    });

    // The slow receiver is asked, gives up on after the timeout, asked again: all after the action returned.
    const asked = await waitFor(
      "slow receiver asked three times",
      () => bodies(slow, id),
      (list) => list.length === 3,
    );
    expect(returnedAt - started).toBeLessThan(SLOW_MS);
    // The action may return a moment before or after the first request arrives (the dispatcher reads the
    // committed event at once), but never waits for the slow receiver's answer, nor for its timeout.
    expect(returnedAt).toBeLessThan(asked[0]!.at + TIMEOUT_MS);
    expect(asked.every((r) => r.verified === true)).toBe(true);
    expect(new Set(asked.map((r) => r.headers["x-aviary-event-id"])).size).toBe(1); // the same event: receivers can dedupe
    // Backoff after each 1 s timeout: 50-100 ms, then 100-200 ms (base 100 ms doubling, half of it jitter),
    // loosely (arrival times at the receiver, not the sender's clock).
    expect(asked[1]!.at - asked[0]!.at).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(asked[2]!.at - asked[1]!.at).toBeGreaterThanOrEqual(TIMEOUT_MS + 50);

    const rows = await waitFor(
      "down and slow failed for good",
      () => deliveries(id),
      (list) => list.filter((d) => d.status === "failed").length === 2,
    );
    const byDestination = (prefix: string) => rows.filter((d) => d.destination.startsWith(prefix));
    expect(byDestination("global:").map((d) => [d.destination, d.status, d.attempts, d.lastError])).toEqual([
      ["global:slack", "delivered", 1, null],
      ["global:webhook", "delivered", 1, null],
    ]);
    const failed = byDestination("rollout:webhook:");
    expect(failed.map((d) => [d.status, d.attempts]).sort()).toEqual([
      ["failed", 3],
      ["failed", 3],
    ]);
    expect(failed.map((d) => d.lastError).sort()).toEqual([`attempt 3: could not connect (ECONNREFUSED)`, `attempt 3: no answer within ${TIMEOUT_MS} ms`]);

    // Counted in Aviary's own metrics, by kind and result.
    const metrics = await getDeps().metrics.registry.getSingleMetricAsString("aviary_notification_delivery_duration_seconds");
    expect(metrics).toMatch(/aviary_notification_delivery_duration_seconds_count\{kind="webhook",result="failed"\} [2-9]/);
    expect(metrics).toMatch(/aviary_notification_delivery_duration_seconds_count\{kind="webhook",result="retrying"\} [4-9]/);
    expect(metrics).toMatch(/aviary_notification_delivery_duration_seconds_count\{kind="slack",result="delivered"\} [1-9]/);

    // Visible through the API (the rollout page and the overview), URLs redacted.
    const mine = await get(rolloutRoute.GET, `/api/rollouts/${id}/notifications`, id);
    expect(mine.status).toBe(200);
    const listed = mine.body.deliveries as { status: string; destination: string; lastError: string | null; text: string }[];
    expect(listed.filter((d) => d.status === "failed")).toHaveLength(2);
    expect(listed.find((d) => d.lastError?.includes("ECONNREFUSED"))!.destination).toMatch(/^Webhook \(this rollout\) http:\/\/127\.0\.0\.1:\d+\/…home$/);
    const everything = JSON.stringify(mine.body) + JSON.stringify((await get(overviewRoute.GET, "/api/notifications")).body);
    for (const url of [downUrl, slow.url, webhook.url, slack.url]) expect(everything).not.toContain(new URL(url).pathname);
    const overview = await get(overviewRoute.GET, "/api/notifications");
    expect(overview.body.troubled).toEqual(expect.arrayContaining([expect.objectContaining({ status: "failed", rollout: expect.objectContaining({ id }) })]));

    // The rollout as the API shows it keeps its URLs write-only, and so does its audit event.
    const shown = await api.get(id);
    expect(JSON.stringify(shown.body.notifications)).not.toContain("nobody-home");
    const created = await getDeps().db.auditEvent.findFirstOrThrow({ where: { rolloutId: id, action: "create" } });
    expect(JSON.stringify(created.after)).not.toContain("nobody-home");
  }, 30_000);

  it("refuses a replayed request: the same signed body a little over five minutes later", async () => {
    const [received] = webhook.received;
    expect(received).toBeDefined();
    const header = received!.headers["x-aviary-signature"] as string;
    expect(verifyWebhookSignature({ secret: SECRET, header, body: received!.body }).ok).toBe(true);
    const later = new Date(Date.now() + 301_000);
    expect(verifyWebhookSignature({ secret: SECRET, header, body: received!.body, now: later })).toMatchObject({ ok: false });
    expect(verifyWebhookSignature({ secret: SECRET, header, body: received!.body.replace('"start"', '"rollback"') })).toMatchObject({
      ok: false,
      reason: "signature does not match",
    });
  });

  it("deliver each event once per destination with two dispatchers racing (two replicas sharing the database)", async () => {
    const { id } = await newRollout({
      steps: [{ weight: 5 }, { weight: 10 }, { weight: 20 }, { weight: 30 }, { weight: 40 }, { weight: 60 }, { weight: 100 }],
    });
    dispatcher({ ...getDeps() });
    dispatcher({ ...getDeps() });
    const actions = ["start", "promote", "pause", "resume", "promote", "promote", "promote", "promote"];
    for (const action of actions) expect((await api.act(id, { action })).status).toBe(200);
    const events = await getDeps().db.auditEvent.count({ where: { rolloutId: id, outcome: "success", action: { not: "create" } } });
    expect(events).toBe(actions.length);
    const rows = await waitFor(
      "all delivered",
      () => deliveries(id),
      (list) => list.length === actions.length * 2 && list.every((d) => d.status === "delivered"),
    );
    expect(rows.filter((d) => d.attempts !== 1).map((d) => [d.destination, d.attempts, d.lastError])).toEqual([]);
    // The invariant, at the receivers: one request per event per destination.
    await new Promise((resolve) => setTimeout(resolve, 300)); // a straggler would have arrived by now
    const hooks = bodies(webhook, id);
    expect(hooks).toHaveLength(actions.length);
    expect(new Set(hooks.map((h) => h.json.id)).size).toBe(actions.length);
    expect(bodies(slack, id)).toHaveLength(actions.length);
    // Every action once; not necessarily in order: two dispatchers with deliveries in flight race
    // (receivers order by the event's time and dedupe on its id).
    expect(hooks.map((h) => h.json.action).sort()).toEqual([...actions].sort());
  }, 30_000);

  it("announce drift and a rollout waiting for a person once while it lasts, and again when it comes back", async () => {
    const { id, vs } = await newRollout({ steps: [{ weight: 5 }, { weight: 50 }, { weight: 100 }] });
    expect((await api.act(id, { action: "start" })).status).toBe(200);
    // A clock two hours ahead: step 1 has no pause, so it has waited for a promotion for 2 h.
    const later: Deps = { ...getDeps(), now: () => new Date(Date.now() + 2 * 3_600_000) };
    const kinds = async () => (await deliveries(id)).filter((d) => d.destination === "global:webhook").map((d) => (d.message as { type: string }).type);
    await watchConditions(later, config, { driftGraceMs: 0 });
    expect(await kinds()).toEqual(["waiting"]);

    kube.setWeights(vs, [70, 30]); // someone edited the VirtualService
    await waitFor(
      "drift announced",
      async () => (await watchConditions(later, config, { driftGraceMs: 0 }), kinds()),
      (list) => list.includes("drift"),
    );
    await watchConditions(later, config, { driftGraceMs: 0 });
    await watchConditions(later, config, { driftGraceMs: 0 });
    expect(await kinds()).toEqual(["waiting", "drift"]); // once while it lasts

    kube.setWeights(vs, [95, 5]); // fixed
    await waitFor(
      "drift cleared",
      async () => (
        await watchConditions(later, config, { driftGraceMs: 0 }),
        getDeps().db.notificationCondition.count({ where: { rolloutId: id, condition: "drift" } })
      ),
      (n) => n === 0,
    );
    kube.setWeights(vs, [60, 40]); // and again
    await waitFor(
      "drift announced again",
      async () => (await watchConditions(later, config, { driftGraceMs: 0 }), kinds()),
      (list) => list.length === 3,
    );
    expect(await kinds()).toEqual(["waiting", "drift", "drift"]);
    const notice = (await deliveries(id)).find((d) => (d.message as { type: string }).type === "drift")!.message as { text: string; rollout: { url: string } };
    expect(notice.text).toContain("drift: the cluster shows canary 30%, Aviary set 5%");
    expect(notice.rollout.url).toBe(`https://aviary.example.com/rollouts/${id}`);
  }, 30_000);
});
