import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { LOCAL_ACTOR } from "@/lib/domain/actor";
import { actOnRollout } from "@/lib/server/act-on-rollout";
import { getDeps, type Deps } from "@/lib/composition/deps";
import { reconcileInterruptedOperations } from "@/lib/server/reconcile-interrupted-operations";
import { expectAuditChainIntact } from "../audit-chain";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { api } from "./client";

/**
 * Traffic control when the cluster misbehaves (sandbox fault injection) and when Aviary itself
 * dies between patching the VirtualService and recording it (Deps.afterPatch).
 */
const kube = startKubeForFile();

beforeAll(async () => {
  await useFreshDatabase();
});

// Whatever the race or fault, the audit log stays one unbroken chain.
afterEach(async () => {
  await expectAuditChainIntact();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await kube.restore();
});

async function startedRollout() {
  const vs = kube.addVirtualService();
  const created = await api.create(rolloutInput({ virtualService: vs }));
  const started = await api.act(created.body.id as string, { action: "start" });
  expect(started.status).toBe(200);
  return { id: created.body.id as string, vs };
}

const row = (id: string) => getDeps().db.rollout.findUniqueOrThrow({ where: { id } });
const events = (id: string) => getDeps().db.auditEvent.findMany({ where: { rolloutId: id }, orderBy: { id: "asc" } });
const operations = (id: string) => getDeps().db.rolloutOperation.findMany({ where: { rolloutId: id }, orderBy: { id: "asc" } });
const eventFor = async (requestId: string) => getDeps().db.auditEvent.findMany({ where: { requestId } });

/** Aviary's record and the cluster agree. */
async function expectInSync(id: string, vs: string) {
  const rollout = await row(id);
  expect(kube.weights(vs)).toEqual([100 - rollout.canaryWeight, rollout.canaryWeight]);
}

describe("flaky cluster", () => {
  it("with 30% of PATCHes failing, every rollback lands and every request is audited once", async () => {
    const rollouts = [];
    for (let i = 0; i < 12; i++) rollouts.push(await startedRollout());
    const patches = vi.spyOn(getDeps().kube, "patchVirtualService");
    kube.api.faults.add({ failRate: 0.3, methods: ["PATCH"] });

    const answers: { requestId: string; status: number; id: string }[] = [];
    for (const [i, { id, vs }] of rollouts.entries()) {
      const promote = await api.act(id, { action: "promote" }, { requestId: `flaky-promote-${i}` });
      expect([200, 503], JSON.stringify(promote.body)).toContain(promote.status);
      answers.push({ requestId: `flaky-promote-${i}`, status: promote.status, id });
      await expectInSync(id, vs);

      const rollback = await api.act(id, { action: "rollback", reason: "flaky test" }, { requestId: `flaky-rollback-${i}` });
      expect(rollback.status, JSON.stringify(rollback.body)).toBe(200);
      answers.push({ requestId: `flaky-rollback-${i}`, status: rollback.status, id });
      expect(kube.weights(vs)).toEqual([100, 0]);
      expect(await row(id)).toMatchObject({ status: "rolled_back", canaryWeight: 0 });
    }

    // The fault did bite: more patches were sent than changes made.
    const landed = answers.filter((a) => a.status === 200).length;
    expect(patches.mock.calls.length).toBeGreaterThan(landed);
    for (const { requestId, status, id } of answers) {
      const audit = await eventFor(requestId);
      expect(audit, requestId).toHaveLength(1);
      expect(audit[0]).toMatchObject({ rolloutId: id, outcome: status === 200 ? "success" : "failed" });
    }
    for (const { id } of rollouts) {
      expect((await operations(id)).filter((op) => op.status === "pending")).toEqual([]);
    }
  });

  it("a rollback rides out a blip in which reads fail too", async () => {
    const { id, vs } = await startedRollout();
    kube.api.faults.add({ failRate: 1, forMs: 250 });
    const { status, body } = await api.act(id, { action: "rollback", reason: "blip" });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(kube.weights(vs)).toEqual([100, 0]);
    await expectInSync(id, vs);
  });

  it("with half of all calls failing, reads included, a rollback still lands", async () => {
    const { id, vs } = await startedRollout();
    kube.api.faults.add({ failRate: 0.5 });
    const { status, body } = await api.act(id, { action: "rollback", reason: "everything is flaky" });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(kube.weights(vs)).toEqual([100, 0]);
    await kube.restore();
    await expectInSync(id, vs);
  });

  it("a 409 storm shorter than the bound: the rollback retries through it and lands", async () => {
    const { id, vs } = await startedRollout();
    kube.api.faults.add({ conflictStorm: 5, methods: ["PATCH"] });
    const { status, body } = await api.act(id, { action: "rollback", reason: "storm" }, { requestId: "storm-short" });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(kube.weights(vs)).toEqual([100, 0]);
    expect(await eventFor("storm-short")).toMatchObject([{ outcome: "success" }]);
    expect((await operations(id)).at(-1)).toMatchObject({ action: "rollback", status: "applied" });
  });

  it("a 409 storm longer than the bound: the rollback gives up, says so, and changes nothing", async () => {
    const { id, vs } = await startedRollout();
    kube.api.faults.add({ conflictStorm: 1000, methods: ["PATCH"] });
    const { status, body } = await api.act(id, { action: "rollback", reason: "storm" }, { requestId: "storm-long" });
    expect(status).toBe(409);
    expect(body.error.code).toBe("CONFLICT");
    expect(body.error.message).toMatch(/^gave up after 12 attempts: VirtualService shop\/.* changed while Aviary was writing it/);
    expect(kube.weights(vs)).toEqual([95, 5]);
    expect(await row(id)).toMatchObject({ status: "progressing", canaryWeight: 5 });
    // Aviary tried and failed: that is a failure, not a refusal.
    expect(await eventFor("storm-long")).toMatchObject([{ action: "rollback", outcome: "failed", errorCode: "CONFLICT" }]);
    expect((await operations(id)).at(-1)).toMatchObject({ action: "rollback", status: "failed", error: expect.stringContaining("gave up after 12 attempts") });

    await kube.restore();
    expect((await api.act(id, { action: "rollback", reason: "storm over" })).status).toBe(200);
    expect(kube.weights(vs)).toEqual([100, 0]);
  });
});

describe("a crash between patch and commit", () => {
  const context = (requestId: string) => ({ actor: LOCAL_ACTOR, requestId, clientAddress: "192.0.2.7" });
  const crashing = (): Deps => ({
    ...getDeps(),
    afterPatch: () => {
      throw new Error("simulated crash after the patch");
    },
  });

  async function crashedPromote(requestId: string) {
    const { id, vs } = await startedRollout();
    const before = await row(id);
    await expect(actOnRollout(crashing(), { id, input: { action: "promote" }, context: context(requestId) })).rejects.toThrow("simulated crash");
    // The cluster moved, the record did not, the intent is left pending, and a dead process audits nothing.
    expect(kube.weights(vs)).toEqual([75, 25]);
    expect(await row(id)).toEqual(before);
    expect((await operations(id)).at(-1)).toMatchObject({ action: "promote", status: "pending", requestId });
    expect(await eventFor(requestId)).toEqual([]);
    return { id, vs, before };
  }

  it("the next action reconciles: the record catches up with the cluster, the audit log says so", async () => {
    const { id, vs, before } = await crashedPromote("crashed-then-pause");
    const paused = await api.act(id, { action: "pause" }, { requestId: "after-crash-pause" });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: "paused", currentStep: 1, canaryWeight: 25, revision: before.revision + 2 });
    await expectInSync(id, vs);
    expect((await operations(id)).at(-1)).toMatchObject({ status: "applied", resourceVersionAfter: kube.get(vs).metadata.resourceVersion });
    expect((await events(id)).slice(-2)).toMatchObject([
      { requestId: "crashed-then-pause", action: "promote", outcome: "success", clientAddress: "192.0.2.7", after: { canaryWeight: 25, reconciled: true } },
      { requestId: "after-crash-pause", action: "pause", outcome: "success" },
    ]);
  });

  it("the next action that itself patches proceeds from the reconciled state", async () => {
    const { id, vs } = await crashedPromote("crashed-then-promote");
    const promoted = await api.act(id, { action: "promote" });
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
    expect(promoted.body).toMatchObject({ currentStep: 2, canaryWeight: 50 });
    expect(kube.weights(vs)).toEqual([50, 50]);
  });

  // Reads used to reconcile; now a GET only reports the unconfirmed operation (a page polled by
  // every open tab must not take locks or write), and the explicit sweep, run at start-up and
  // every 30 s by background.ts, reaches the same end state without any action being taken.
  it("a read reports the interrupted operation; the sweep reconciles it", async () => {
    const { id, vs, before } = await crashedPromote("crashed-then-read");
    const read = await api.get(id);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      status: "progressing",
      currentStep: 0,
      canaryWeight: 5,
      pendingOperation: { action: "promote", toCanaryWeight: 25, startedAt: expect.any(String) },
    });
    expect(await row(id)).toEqual(before);
    expect(await eventFor("crashed-then-read")).toEqual([]);

    expect(await reconcileInterruptedOperations(getDeps())).toMatchObject({ reconciled: 1, postponed: 0, busy: 0, errors: 0 });
    const after = await api.get(id);
    expect(after.body).toMatchObject({ status: "progressing", currentStep: 1, canaryWeight: 25, pendingOperation: null });
    await expectInSync(id, vs);
    expect(await eventFor("crashed-then-read")).toMatchObject([{ action: "promote", outcome: "success", after: { reconciled: true } }]);
    expect((await operations(id)).filter((op) => op.status === "pending")).toEqual([]);
  });

  it("the sweep leaves a rollout whose lock is held to its holder, and an unreachable cluster for later", async () => {
    const { id, vs } = await crashedPromote("crashed-then-swept");
    let whileHeld: Awaited<ReturnType<typeof reconcileInterruptedOperations>> | undefined;
    await getDeps().locks.withLock(id, async () => {
      whileHeld = await reconcileInterruptedOperations(getDeps());
    });
    expect(whileHeld).toMatchObject({ reconciled: 0, busy: 1 });
    expect((await operations(id)).at(-1)).toMatchObject({ status: "pending" });

    kube.api.faults.set({ refuseConnections: true });
    expect(await reconcileInterruptedOperations(getDeps())).toMatchObject({ reconciled: 0, postponed: 1 });
    expect((await operations(id)).at(-1)).toMatchObject({ status: "pending" });

    await kube.restore();
    expect(await reconcileInterruptedOperations(getDeps())).toMatchObject({ reconciled: 1, postponed: 0 });
    expect(await row(id)).toMatchObject({ currentStep: 1, canaryWeight: 25 });
    await expectInSync(id, vs);
  });

  it("if the cluster no longer shows the change, the operation is recorded as failed", async () => {
    const { id, vs, before } = await crashedPromote("crashed-then-reverted");
    kube.setWeights(vs, [95, 5]);
    const paused = await api.act(id, { action: "pause" });
    expect(paused.body).toMatchObject({ status: "paused", canaryWeight: 5, currentStep: 0, revision: before.revision + 1 });
    await expectInSync(id, vs);
    expect((await operations(id)).at(-1)).toMatchObject({
      status: "failed",
      error: expect.stringContaining("the cluster shows canary 5%, not the intended canary 25%"),
    });
    expect(await eventFor("crashed-then-reverted")).toMatchObject([
      { action: "promote", outcome: "failed", errorMessage: expect.stringContaining("so the change did not land") },
    ]);
  });

  it("if the VirtualService is gone, the operation is recorded as failed instead of blocking the rollout", async () => {
    const { id, vs } = await crashedPromote("crashed-then-deleted");
    kube.api.store.delete("virtualservices", "shop", vs);
    const paused = await api.act(id, { action: "pause" });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: "paused", canaryWeight: 5 });
    expect((await operations(id)).at(-1)).toMatchObject({ status: "failed", error: expect.stringContaining("the cluster shows no usable route") });
    expect(await eventFor("crashed-then-deleted")).toMatchObject([{ outcome: "failed" }]);
  });

  it("while the cluster cannot confirm, no action builds on the unconfirmed record", async () => {
    const { id, vs } = await crashedPromote("crashed-then-unreachable");
    kube.api.faults.set({ refuseConnections: true });
    const paused = await api.act(id, { action: "pause" }, { requestId: "pause-while-unconfirmed" });
    expect(paused.status).toBe(503);
    expect(paused.body.error.code).toBe("KUBE_UNAVAILABLE");
    expect(paused.body.error.message).toContain("earlier change");
    expect(await eventFor("pause-while-unconfirmed")).toMatchObject([{ outcome: "failed" }]);

    await kube.restore();
    const again = await api.act(id, { action: "pause" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "paused", currentStep: 1, canaryWeight: 25 });
    await expectInSync(id, vs);
  });
});
