import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectAuditChainIntact } from "../audit-chain";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { api } from "./client";
import { getDeps } from "@/lib/composition/deps";

/**
 * Many requests on one rollout at once, through the route handler: the per-rollout lock must
 * serialize them so that the cluster and Aviary's record never disagree, every caller gets a
 * definite answer, and the audit log holds exactly one event per request.
 */
const kube = startKubeForFile();

beforeAll(async () => {
  await useFreshDatabase();
});

// Whatever the race or fault, the audit log stays one unbroken chain.
afterEach(async () => {
  await expectAuditChainIntact();
});

async function startedRollout() {
  const vs = kube.addVirtualService();
  const created = await api.create(rolloutInput({ virtualService: vs, steps: Array.from({ length: 20 }, (_, i) => ({ weight: (i + 1) * 5 })) }));
  const started = await api.act(created.body.id as string, { action: "start" });
  expect(started.status).toBe(200);
  return { id: created.body.id as string, vs, revision: started.body.revision as number };
}

/** Fails the test instead of hanging it when an answer never comes. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms).unref())]);
}

describe("concurrent actions on one rollout", () => {
  it("50 mixed promotes and rollbacks: definite answers, cluster equals record, one audit event each", async () => {
    const { id, vs, revision } = await startedRollout();
    const requests = Array.from({ length: 50 }, (_, i) => {
      const body: Record<string, unknown> = i % 7 === 3 ? { action: "rollback", reason: `race ${i}` } : { action: "promote" };
      // Some callers pin the revision they saw: only the first of those can still be right.
      if (i % 5 === 0) body.expectedRevision = revision + (i % 10 === 0 ? 0 : 1);
      return { requestId: `race-${id.slice(0, 8)}-${i}`, body };
    });

    const answers = await within(Promise.all(requests.map(({ requestId, body }) => api.act(id, body, { requestId }))), 60_000, "50 concurrent actions");

    const statuses = answers.map((answer) => answer.status);
    for (const [i, answer] of answers.entries()) {
      expect([200, 409, 422], `request ${i}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
      if (answer.status !== 200) expect(answer.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    // Of the ten callers pinning a revision, at most two (one per pinned value) can be right.
    expect(statuses.filter((s) => s === 409).length).toBeGreaterThanOrEqual(8);

    const rollout = await getDeps().db.rollout.findUniqueOrThrow({ where: { id } });
    expect(kube.weights(vs)).toEqual([100 - rollout.canaryWeight, rollout.canaryWeight]);
    // The record only moves through successful actions: start plus one revision per 200.
    expect(rollout.revision).toBe(revision + statuses.filter((s) => s === 200).length);
    // Once a rollback lands, nothing moves the canary again.
    expect(rollout.status).toBe("rolled_back");
    expect(rollout.canaryWeight).toBe(0);

    const audit = await getDeps().db.auditEvent.findMany({ where: { rolloutId: id }, orderBy: { id: "asc" } });
    for (const { requestId } of requests)
      expect(
        audit.filter((e) => e.requestId === requestId),
        requestId,
      ).toHaveLength(1);
    expect(audit).toHaveLength(2 + requests.length); // create + start + one per request
    for (const [i, { requestId }] of requests.entries()) {
      const event = audit.find((e) => e.requestId === requestId)!;
      expect(event.outcome, requestId).toBe(answers[i]!.status === 200 ? "success" : "refused");
    }
    expect(await getDeps().db.rolloutOperation.count({ where: { rolloutId: id, status: "pending" } })).toBe(0);
  });

  it("of two concurrent promotes with the same expectedRevision, exactly one wins", async () => {
    for (let round = 0; round < 5; round++) {
      const { id, vs, revision } = await startedRollout();
      const answers = await within(
        Promise.all([0, 1].map(() => api.act(id, { action: "promote", expectedRevision: revision }))),
        20_000,
        "two concurrent promotes",
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const loser = answers.find((a) => a.status === 409)!;
      expect(loser.body.error.code).toBe("CONFLICT");
      expect(loser.body.error.message).toContain(`(revision ${revision}, now ${revision + 1})`);
      expect(kube.weights(vs)).toEqual([90, 10]);
      expect((await getDeps().db.rollout.findUniqueOrThrow({ where: { id } })).canaryWeight).toBe(10);
    }
  });
});
