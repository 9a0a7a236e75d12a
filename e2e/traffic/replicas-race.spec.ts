import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import pg from "pg";
import { expect, signInAsDemoUser, test } from "../auth/signed-in";
import { createRolloutOnNewVirtualService } from "../fixtures/api";
import { startSecondApp } from "../fixtures/second-app";
import { liveWeights, readStack } from "../fixtures/stack";

/**
 * Two Aviary processes on one database, as two replicas behind a load balancer: 50 concurrent
 * mixed actions on one rollout, split between them. Afterwards the invariants, not only the
 * status codes: the cluster holds exactly the recorded weights, the audit log holds exactly one
 * event per request, and the hash chain verifies.
 */
test.setTimeout(180_000);

test("50 mixed actions across two app processes: cluster equals record, one audit event each, chain intact", async ({ request, baseURL }) => {
  const second = await startSecondApp();
  const contexts: APIRequestContext[] = [];
  try {
    for (const url of [baseURL!, second.url]) {
      const context = await playwrightRequest.newContext({ baseURL: url });
      await signInAsDemoUser(context, { user: "demo-omar", role: "operator" });
      contexts.push(context);
    }
    const { rollout, ref } = await createRolloutOnNewVirtualService(
      request,
      Array.from({ length: 20 }, (_, i) => (i + 1) * 5),
    );
    const started = await request.post(`/api/rollouts/${rollout.id}/actions`, { data: { action: "start" } });
    expect(started.status()).toBe(200);
    const revision = ((await started.json()) as { revision: number }).revision;

    const bodies = Array.from({ length: 50 }, (_, i) => {
      if (i === 41) return { action: "rollback", reason: `race ${i}` };
      if (i % 9 === 4) return { action: "pause", reason: `race ${i}` };
      if (i % 9 === 5) return { action: "resume" };
      return i % 5 === 0 ? { action: "promote", expectedRevision: revision + (i % 10 === 0 ? 0 : 1) } : { action: "promote" };
    });
    const tag = rollout.id.slice(0, 8);
    const answers = await Promise.all(
      bodies.map((data, i) => contexts[i % 2]!.post(`/api/rollouts/${rollout.id}/actions`, { data, headers: { "x-request-id": `replicas-${tag}-${i}` } })),
    );
    const statuses = answers.map((answer) => answer.status());
    for (const [i, status] of statuses.entries()) expect([200, 409, 422], `request ${i} (${JSON.stringify(bodies[i])})`).toContain(status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(1);

    const record = (await (await request.get(`/api/rollouts/${rollout.id}`)).json()) as { canaryWeight: number; revision: number; status: string };
    const live = await liveWeights(ref);
    expect(live.map((w) => w.weight)).toEqual([100 - record.canaryWeight, record.canaryWeight]);
    expect(record.revision).toBe(revision + statuses.filter((s) => s === 200).length);

    const { databaseUrl } = await readStack();
    const db = new pg.Client({ connectionString: databaseUrl! });
    await db.connect();
    try {
      const { rows } = await db.query<{ request_id: string; n: string }>(
        "SELECT request_id, count(*) AS n FROM audit_events WHERE request_id LIKE $1 GROUP BY request_id",
        [`replicas-${tag}-%`],
      );
      expect(rows).toHaveLength(50);
      expect(rows.every((row) => row.n === "1")).toBe(true);
    } finally {
      await db.end();
    }
    const integrity = await request.get("/api/audit-events/integrity");
    expect(integrity.status()).toBe(200);
    expect(await integrity.json()).toMatchObject({ ok: true });
  } finally {
    for (const context of contexts) await context.dispose();
    await second.stop();
  }
});
