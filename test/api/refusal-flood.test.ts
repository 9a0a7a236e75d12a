import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as actions from "@/app/api/rollouts/[id]/actions/route";
import * as collection from "@/app/api/rollouts/route";
import { flushRefusals } from "@/lib/server/record-refusal";
import { expectAuditChainIntact } from "../audit-chain";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { getDeps } from "@/lib/server/deps";

/**
 * A viewer looping on a forbidden route: a bounded number of audit events (one now, one folded
 * count per window), 429 with Retry-After past the per-actor limit, and an operator's rollback
 * in the middle of it lands, recorded once, on an intact chain.
 */
const kube = startKubeForFile();
const SECRET = "proxy-shared-secret-0123456789";
const ENV = { AVIARY_AUTH_MODE: "proxy", AVIARY_PROXY_SECRET: SECRET, AVIARY_ROLE_GROUPS: '{"admin":["sre-leads"],"operator":["sre"],"viewer":["eng"]}' };
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  await useFreshDatabase();
  for (const [name, value] of Object.entries(ENV)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});

afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

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
