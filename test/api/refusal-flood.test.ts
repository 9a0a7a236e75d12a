import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { proxy } from "@/proxy";
import * as actions from "@/app/api/rollouts/[id]/actions/route";
import * as collection from "@/app/api/rollouts/route";
import { flushRefusals } from "@/lib/server/commands/refusals";
import { expectAuditChainIntact } from "../audit-chain";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { getDeps } from "@/lib/composition/deps";
import { configureWith } from "../config";

/**
 * A viewer looping on a forbidden route: a bounded number of audit events (one now, one folded
 * count per window), 429 with Retry-After past the per-actor limit, and an operator's rollback
 * in the middle of it lands, recorded once, on an intact chain. Making up a new request each
 * time, or a new user name, does not get past the bound.
 */
const kube = startKubeForFile();
const SECRET = "proxy-shared-secret-0123456789";
const ENV = { AVIARY_AUTH_MODE: "proxy", AVIARY_PROXY_SECRET: SECRET, AVIARY_ROLE_GROUPS: '{"admin":["sre-leads"],"operator":["sre"],"viewer":["eng"]}' };
let restoreSignIn = () => {};

beforeAll(async () => {
  await useFreshDatabase();
  restoreSignIn = configureWith(ENV, "auth");
});

afterAll(() => restoreSignIn());

afterEach(async () => {
  await flushRefusals({ all: true });
  await expectAuditChainIntact();
});

function act(id: string, user: string, groups: string, body: unknown, requestId: string) {
  const headers = new Headers({
    "x-forwarded-user": user,
    "x-forwarded-groups": groups,
    "x-aviary-proxy-secret": SECRET,
    "content-type": "application/json",
    "x-request-id": requestId,
  });
  return actions.POST(new Request(`http://aviary.test/api/rollouts/${id}/actions`, { method: "POST", headers, body: JSON.stringify(body) }), {
    params: Promise.resolve({ id }),
  });
}

async function startedRollout() {
  const vs = kube.addVirtualService();
  const headers = new Headers({
    "x-forwarded-user": "dana",
    "x-forwarded-groups": "sre-leads",
    "x-aviary-proxy-secret": SECRET,
    "content-type": "application/json",
  });
  const created = await collection.POST(
    new Request("http://aviary.test/api/rollouts", { method: "POST", headers, body: JSON.stringify(rolloutInput({ virtualService: vs })) }),
  );
  const id = ((await created.json()) as { id: string }).id;
  expect((await act(id, "omar", "sre", { action: "start" }, "start")).status).toBe(200);
  return { id, vs };
}

describe("a flood of forbidden requests", () => {
  it("is folded and limited, and an operator's rollback in the middle of it lands", async () => {
    const { id, vs } = await startedRollout();
    const flood = Array.from({ length: 200 }, (_, i) => act(id, "vera", "eng", { action: "rollback", reason: "let me" }, `flood-${i}`));
    const rollback = act(id, "omar", "sre", { action: "rollback", reason: "canary 5xx" }, "operator-rollback");
    const [answers, operator] = await Promise.all([Promise.all(flood), rollback]);

    expect(operator.status).toBe(200);
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((s) => s === 403)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(190);
    const limited = answers.find((answer) => answer.status === 429)!;
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(((await limited.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "RATE_LIMITED",
      message: expect.stringContaining("try again in"),
    });

    // Another viewer is not limited by vera's flood.
    expect((await act(id, "victor", "eng", { action: "rollback", reason: "me too" }, "victor-1")).status).toBe(403);

    expect(await getDeps().db.auditEvent.count({ where: { actorId: "vera" } })).toBe(1);
    await flushRefusals({ all: true });
    const vera = await getDeps().db.auditEvent.findMany({ where: { actorId: "vera" }, orderBy: { id: "asc" } });
    expect(vera).toHaveLength(2);
    expect(vera.reduce((sum, event) => sum + event.repeatCount, 0)).toBe(200);
    expect(vera[1]!.errorMessage).toMatch(/refused 199 more times between/);

    const operatorEvents = await getDeps().db.auditEvent.findMany({ where: { requestId: "operator-rollback" } });
    expect(operatorEvents).toEqual([expect.objectContaining({ outcome: "success", actorId: "omar", action: "rollback" })]);
    const rollout = await getDeps().db.rollout.findUniqueOrThrow({ where: { id } });
    expect(rollout.canaryWeight).toBe(0);
    expect(kube.weights(vs)).toEqual([100, 0]);
  });
});

/** One of `count` requests, each to its own made-up rollout with its own made-up action. */
const randomAction = () => Array.from({ length: 12 }, () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(Math.random() * 26)]).join("");

async function inBatches<T>(count: number, send: (i: number) => Promise<T>, size = 100): Promise<T[]> {
  const answers: T[] = [];
  for (let from = 0; from < count; from += size)
    answers.push(...(await Promise.all(Array.from({ length: Math.min(size, count - from) }, (_, i) => send(from + i)))));
  return answers;
}

describe("a flood of forbidden requests over distinct keys", () => {
  it("writes one event per key below the limit, then one overflow event for the window, whose counts add up", async () => {
    const answers = await inBatches(1_000, (i) => act(randomUUID(), "wanda", "eng", { action: randomAction() }, `keys-${i}`));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((s) => s === 403)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(990);
    expect(answers.filter((a) => a.status === 429).every((a) => Number(a.headers.get("retry-after")) >= 1)).toBe(true);
    expect(await getDeps().db.auditEvent.count({ where: { actorId: "wanda" } })).toBe(10);

    await flushRefusals({ now: Date.now() + 61_000 }); // what the sweeper does once the window has closed
    const wanda = await getDeps().db.auditEvent.findMany({ where: { actorId: "wanda" }, orderBy: { id: "asc" } });
    expect(wanda).toHaveLength(11);
    expect(new Set(wanda.slice(0, 10).map((event) => event.action)).size).toBe(10);
    expect(wanda.reduce((sum, event) => sum + event.repeatCount, 0)).toBe(1_000);
    const overflow = wanda[10]!;
    expect(overflow).toMatchObject({ action: "refusal_flood", outcome: "refused", errorCode: "RATE_LIMITED", repeatCount: 990, rolloutId: null });
    expect(overflow.errorMessage).toMatch(
      /^990 more refused requests from wanda past the limit of 10 per 60 s, answered 429, between .*; 990 distinct requests, the first 10: /,
    );
    const sample = /the first 10: (.*)\. The last: this needs the operator role/.exec(overflow.errorMessage!)?.[1]?.split("; ");
    expect(sample).toHaveLength(10);
    for (const key of sample!) expect(key).toMatch(/^[a-z]{12} on rollout [0-9a-f-]{36}$/);
    expect(await expectAuditChainIntact()).toBeGreaterThanOrEqual(11);
  });

  it("in proxy mode, users without a role under ever new names write a bounded number of events", async () => {
    const gate = (i: number) =>
      proxy(
        new NextRequest(`http://aviary.test/api/${randomUUID()}`, {
          headers: { host: "aviary.test", "x-forwarded-user": `forged-${i}`, "x-forwarded-groups": "contractors", "x-aviary-proxy-secret": SECRET },
        }),
      );
    const answers = await inBatches(400, gate);
    const statuses = answers.map((answer) => answer.status);
    // 100 actors are tracked per window (each below its own limit), the rest are one crowd.
    expect(statuses.filter((s) => s === 403)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(300);
    await flushRefusals({ now: Date.now() + 61_000 });
    const forged = await getDeps().db.auditEvent.findMany({ where: { OR: [{ actorId: { startsWith: "forged-" } }, { actorId: "aviary-refusal-limit" }] } });
    expect(forged).toHaveLength(101);
    expect(forged.reduce((sum, event) => sum + event.repeatCount, 0)).toBe(400);
    const crowd = forged.find((event) => event.actorId === "aviary-refusal-limit")!;
    expect(crowd).toMatchObject({ action: "refusal_flood", repeatCount: 300 });
    expect(crowd.errorMessage).toMatch(/from actors beyond the 100 tracked per 60 s, answered 429, .*; 300 distinct actors, the first 10: forged-/);
  });
});
