import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { api } from "./client";
import { getDeps } from "@/lib/composition/deps";

/**
 * Traffic control through the real route handler (POST /api/rollouts/{id}/actions), a real
 * database and the sandbox Kubernetes API: what each action does to the VirtualService, what
 * it refuses, and what it leaves in the audit log.
 */
const kube = startKubeForFile();

beforeAll(async () => {
  await useFreshDatabase();
});

afterEach(async () => {
  await kube.restore();
});

async function newRollout({ weights = [100, 0] as [number, number] } = {}) {
  const vs = kube.addVirtualService({ weights });
  const created = await api.create(rolloutInput({ virtualService: vs }));
  expect(created.status).toBe(201);
  return { id: created.body.id as string, vs };
}

async function started() {
  const rollout = await newRollout();
  expect((await api.act(rollout.id, { action: "start" })).status).toBe(200);
  return rollout;
}

const row = (id: string) => getDeps().db.rollout.findUniqueOrThrow({ where: { id } });
const events = (id: string) => getDeps().db.auditEvent.findMany({ where: { rolloutId: id }, orderBy: { id: "asc" } });
const operations = (id: string) => getDeps().db.rolloutOperation.findMany({ where: { rolloutId: id }, orderBy: { id: "asc" } });

/** Everything an action may change, to prove a refused one changed none of it. */
async function snapshot(id: string, vs: string) {
  return { rollout: await row(id), operations: await operations(id), object: kube.get(vs) };
}

describe("actions: happy paths", () => {
  it("start, promote, pause, resume, promote_full and rollback move the VirtualService and Aviary's record together", async () => {
    const { id, vs } = await newRollout();
    const steps: [body: Record<string, unknown>, expected: Record<string, unknown>, weights: [number, number]][] = [
      [{ action: "start" }, { status: "progressing", currentStep: 0, canaryWeight: 5, stableWeight: 95 }, [95, 5]],
      [{ action: "promote" }, { status: "progressing", currentStep: 1, canaryWeight: 25, stableWeight: 75 }, [75, 25]],
      [{ action: "pause", reason: "error budget review" }, { status: "paused", currentStep: 1, canaryWeight: 25 }, [75, 25]],
      [{ action: "resume" }, { status: "progressing", currentStep: 1, canaryWeight: 25 }, [75, 25]],
      [{ action: "promote" }, { status: "progressing", currentStep: 2, canaryWeight: 50 }, [50, 50]],
      [{ action: "promote_full", reason: "metrics are clean" }, { status: "promoted", currentStep: 3, canaryWeight: 100, stableWeight: 0 }, [0, 100]],
      [{ action: "rollback", reason: "late regression report" }, { status: "rolled_back", currentStep: 3, canaryWeight: 0, stableWeight: 100 }, [100, 0]],
    ];
    let revision = 1;
    for (const [body, expected, weights] of steps) {
      const { status, body: answer } = await api.act(id, { ...body, expectedRevision: revision });
      expect(status, `${String(body.action)}: ${JSON.stringify(answer)}`).toBe(200);
      expect(answer).toMatchObject({ id, ...expected, revision: revision + 1 });
      expect(kube.weights(vs)).toEqual(weights);
      revision = answer.revision as number;
    }

    const audit = await events(id);
    expect(audit.map((e) => [e.action, e.outcome])).toEqual([["create", "success"], ...steps.map(([body]) => [body.action, "success"])]);
    expect(audit[2]).toMatchObject({
      before: { status: "progressing", currentStep: 0, canaryWeight: 5, stableWeight: 95, liveCanaryWeight: 5 },
      after: { status: "progressing", currentStep: 1, canaryWeight: 25, stableWeight: 75 },
      errorCode: null,
    });
    expect(audit[2]?.resourceVersionAfter).not.toBe(audit[2]?.resourceVersionBefore);
    expect(audit[3]).toMatchObject({ action: "pause", reason: "error budget review", resourceVersionBefore: null });
    expect(audit.at(-1)).toMatchObject({ reason: "late regression report", resourceVersionAfter: kube.get(vs).metadata.resourceVersion });
    // Only the actions that patch record an intent, and every intent ends applied.
    expect((await operations(id)).map((op) => [op.action, op.status])).toEqual(
      ["start", "promote", "promote", "promote_full", "rollback"].map((action) => [action, "applied"]),
    );
  });

  it("promoting past the last step promotes the rollout", async () => {
    const { id, vs } = await started();
    for (const weight of [25, 50]) expect((await api.act(id, { action: "promote" })).body.canaryWeight).toBe(weight);
    const last = await api.act(id, { action: "promote" });
    expect(last.body).toMatchObject({ status: "promoted", currentStep: 3, canaryWeight: 100 });
    expect(kube.weights(vs)).toEqual([0, 100]);
  });
});

describe("actions: refusals", () => {
  it("422 for promote while paused, and the VirtualService is untouched", async () => {
    const { id, vs } = await started();
    await api.act(id, { action: "pause" });
    const before = await snapshot(id, vs);
    for (const action of ["promote", "promote_full"]) {
      const { status, body } = await api.act(id, { action, reason: "try" });
      expect(status).toBe(422);
      expect(body.error).toMatchObject({ code: "INVALID_STATE", message: expect.stringContaining("while the rollout is paused: resume it first") });
    }
    expect(await snapshot(id, vs)).toEqual(before);
    expect((await events(id)).slice(-2).map((e) => [e.action, e.outcome, e.errorCode])).toEqual([
      ["promote", "refused", "INVALID_STATE"],
      ["promote_full", "refused", "INVALID_STATE"],
    ]);
  });

  it("422 for every action once rolled back", async () => {
    const { id, vs } = await started();
    expect((await api.act(id, { action: "rollback", reason: "bad canary" })).status).toBe(200);
    const before = await snapshot(id, vs);
    for (const action of ["start", "promote", "promote_full", "pause", "resume", "rollback", "adopt"]) {
      const { status, body } = await api.act(id, { action, reason: "again" });
      expect(status, action).toBe(422);
      expect(body.error.code).toBe("INVALID_STATE");
      expect(body.error.message).toContain("while the rollout is rolled back");
    }
    expect(await snapshot(id, vs)).toEqual(before);
  });

  it("409 for a stale expectedRevision", async () => {
    const { id, vs } = await started();
    const before = await snapshot(id, vs);
    const { status, body } = await api.act(id, { action: "promote", expectedRevision: 1 });
    expect(status).toBe(409);
    expect(body.error).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("(revision 1, now 2)") });
    expect(await snapshot(id, vs)).toEqual(before);
    expect((await events(id)).at(-1)).toMatchObject({ action: "promote", outcome: "refused", errorCode: "CONFLICT" });
  });

  it("409 on drift; adopt takes the live weights, then promote proceeds", async () => {
    const { id, vs } = await started();
    kube.setWeights(vs, [90, 10]);
    const before = await snapshot(id, vs);

    const refused = await api.act(id, { action: "promote" });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("DRIFT");
    expect(refused.body.error.message).toContain("the VirtualService sends 10% to the canary but Aviary recorded 5%");
    expect(await snapshot(id, vs)).toEqual(before);

    const adopted = await api.act(id, { action: "adopt", reason: "hotfix by on-call" });
    expect(adopted.status).toBe(200);
    expect(adopted.body).toMatchObject({ status: "progressing", currentStep: 0, canaryWeight: 10 });
    expect(kube.get(vs)).toEqual(before.object);

    const again = await api.act(id, { action: "adopt", reason: "twice" });
    expect(again.status).toBe(422);
    expect(again.body.error.message).toContain("nothing to adopt");

    const promoted = await api.act(id, { action: "promote" });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ currentStep: 1, canaryWeight: 25 });
    expect(kube.weights(vs)).toEqual([75, 25]);
    expect((await events(id)).slice(-4).map((e) => [e.action, e.outcome, e.errorCode])).toEqual([
      ["promote", "refused", "DRIFT"],
      ["adopt", "success", null],
      ["adopt", "refused", "INVALID_STATE"],
      ["promote", "success", null],
    ]);
  });

  it("a draft whose VirtualService already sends canary traffic is told how to get out, not to adopt", async () => {
    const { id, vs } = await newRollout({ weights: [90, 10] });
    const { status, body } = await api.act(id, { action: "start" });
    expect(status).toBe(409);
    expect(body.error.code).toBe("DRIFT");
    expect(body.error.message).toContain("already sends 10% to the canary");
    expect(body.error.message).not.toMatch(/adopt|roll back/i);
    expect((await api.act(id, { action: "adopt", reason: "x" })).status).toBe(422);
    kube.setWeights(vs, [100, 0]);
    expect((await api.act(id, { action: "start" })).body).toMatchObject({ status: "progressing", canaryWeight: 5 });
  });

  it("a rollback lands on a drifted VirtualService", async () => {
    const { id, vs } = await started();
    kube.setWeights(vs, [40, 60]);
    const { status, body } = await api.act(id, { action: "rollback", reason: "someone turned the canary up" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "rolled_back", canaryWeight: 0 });
    expect(kube.weights(vs)).toEqual([100, 0]);
    expect((await events(id)).at(-1)).toMatchObject({ outcome: "success", before: { canaryWeight: 5, liveCanaryWeight: 60 }, after: { canaryWeight: 0 } });
  });

  it.each(["rollback", "promote_full"])("%s needs a reason (400 naming the field)", async (action) => {
    const { id, vs } = await started();
    const before = await snapshot(id, vs);
    for (const body of [{ action }, { action, reason: "   " }]) {
      const { status, body: answer } = await api.act(id, body);
      expect(status).toBe(400);
      expect(answer.error.code).toBe("VALIDATION");
      expect(answer.error.fields.reason).toContain("a reason is required");
    }
    expect(await snapshot(id, vs)).toEqual(before);
  });
});

describe("actions: bad requests change nothing", () => {
  type Case = [label: string, body: unknown, init: Parameters<typeof api.act>[2], status: number, field: string | null, audited: boolean];
  const cases: Case[] = [
    ["an unknown field", { action: "promote", force: true }, {}, 400, "force", true],
    ["an unknown action", { action: "explode" }, {}, 400, "action", true],
    ["no action", { reason: "why not" }, {}, 400, "action", true],
    ["action of the wrong type", { action: 5 }, {}, 400, "action", true],
    ["expectedRevision as a string", { action: "promote", expectedRevision: "2" }, {}, 400, "expectedRevision", true],
    ["expectedRevision not an integer", { action: "promote", expectedRevision: 1.5 }, {}, 400, "expectedRevision", true],
    ["reason of the wrong type", { action: "rollback", reason: 42 }, {}, 400, "reason", true],
    ["a JSON array", [{ action: "promote" }], {}, 400, "(body)", true],
    ["invalid JSON", undefined, { rawBody: '{"action": "promote",' }, 400, null, true],
    ["an empty body", undefined, { rawBody: "" }, 400, null, true],
    ["a form body", undefined, { rawBody: "action=promote", contentType: "application/x-www-form-urlencoded" }, 415, null, true],
    ["no content type", { action: "promote" }, { contentType: null }, 415, null, true],
    ["a 100 KB reason", { action: "rollback", reason: "x".repeat(100_000) }, {}, 413, null, true],
  ];

  it.each(cases)("%s", async (_label, body, init, status, field, audited) => {
    const { id, vs } = await started();
    const before = await snapshot(id, vs);
    const eventsBefore = (await events(id)).length;
    const answer = await api.act(id, body, init);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    if (field) expect(Object.keys(answer.body.error.fields)).toContain(field);
    expect(await snapshot(id, vs)).toEqual(before);
    // Every attempt is audited as refused, unreadable bodies included, with the code it was answered.
    const after = await events(id);
    expect(after.length).toBe(eventsBefore + (audited ? 1 : 0));
    if (audited) expect(after.at(-1)).toMatchObject({ outcome: "refused", errorCode: answer.body.error.code });
  });

  it("404 for an unknown or malformed id, audited without a rollout", async () => {
    for (const id of ["6f1c1a52-0a6b-4d36-9d47-2f0b5a0e0c11", "not-a-uuid"]) {
      const requestId = `unknown-${id.slice(0, 8)}`;
      const { status, body } = await api.act(id, { action: "promote" }, { requestId });
      expect(status).toBe(404);
      expect(body.error).toMatchObject({ code: "NOT_FOUND", message: `no rollout with id "${id}"` });
      const audited = await getDeps().db.auditEvent.findMany({ where: { requestId } });
      expect(audited).toMatchObject([{ rolloutId: null, action: "promote", outcome: "refused", errorCode: "NOT_FOUND" }]);
    }
  });
});

describe("actions: the cluster cannot be reached or refuses", () => {
  it("503 with a clear message when the cluster is unreachable, audited as failed", async () => {
    const { id, vs } = await started();
    const before = await snapshot(id, vs);
    kube.api.faults.set({ refuseConnections: true });
    const { status, body } = await api.act(id, { action: "promote" }, { requestId: "promote-unreachable" });
    expect(status).toBe(503);
    expect(body.error).toMatchObject({
      code: "KUBE_UNAVAILABLE",
      message: `gave up after 3 attempts: cluster "default" could not be reached to read VirtualService shop/${vs} in cluster "default" (connection refused)`,
    });
    await kube.restore();
    expect(await snapshot(id, vs)).toEqual(before);
    expect((await events(id)).at(-1)).toMatchObject({ requestId: "promote-unreachable", action: "promote", outcome: "failed", errorCode: "KUBE_UNAVAILABLE" });
  });

  it("a rollback that cannot reach the cluster reports 503 after retrying, audited as failed", async () => {
    const { id, vs } = await started();
    kube.api.faults.set({ refuseConnections: true });
    const { status, body } = await api.act(id, { action: "rollback", reason: "outage" }, { requestId: "rollback-unreachable" });
    expect(status).toBe(503);
    expect(body.error.code).toBe("KUBE_UNAVAILABLE");
    expect(body.error.message).toMatch(/^gave up after 12 attempts: .*\(connection refused\)$/);
    await kube.restore();
    expect(kube.weights(vs)).toEqual([95, 5]);
    expect((await row(id)).status).toBe("progressing");
    expect((await events(id)).at(-1)).toMatchObject({ requestId: "rollback-unreachable", outcome: "failed", errorCode: "KUBE_UNAVAILABLE" });
  });

  it("502 when the cluster forbids the patch, audited as failed, intent closed", async () => {
    const { id, vs } = await started();
    kube.api.access.deny({ verbs: ["patch"], name: vs });
    const { status, body } = await api.act(id, { action: "promote" });
    expect(status).toBe(502);
    expect(body.error).toMatchObject({ code: "KUBE_ERROR", message: expect.stringContaining(`forbids Aviary to patch VirtualService shop/${vs}`) });
    expect(kube.weights(vs)).toEqual([95, 5]);
    expect((await row(id)).canaryWeight).toBe(5);
    expect((await events(id)).at(-1)).toMatchObject({ action: "promote", outcome: "failed", errorCode: "KUBE_ERROR" });
    expect((await operations(id)).at(-1)).toMatchObject({ action: "promote", status: "failed", error: expect.stringContaining("forbids") });
  });

  it("422 when the VirtualService no longer exists", async () => {
    const { id, vs } = await started();
    kube.api.store.delete("virtualservices", "shop", vs);
    const { status, body } = await api.act(id, { action: "promote" });
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: "TARGET_INVALID", message: `VirtualService shop/${vs} in cluster "default" does not exist` });
  });
});
