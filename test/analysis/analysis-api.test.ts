import { beforeAll, describe, expect, it } from "vitest";
import { insertEvaluations } from "@/lib/db/evaluations";
import { getDeps } from "@/lib/composition/deps";
import { expectAuditChainIntact } from "../audit-chain";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { api } from "../api/client";

/** The analysis block through the API: validation naming the field, changes while running, the read. */
const kube = startKubeForFile();

beforeAll(async () => {
  await useFreshDatabase();
});

describe("analysis in a rollout definition", () => {
  it("refuses a bad block with 400 naming each field, writing nothing", async () => {
    const bad = [
      [{ mode: "sometimes" }, "analysis.mode"],
      [{ mode: "auto", intervalSeconds: 0 }, "analysis.intervalSeconds"],
      [{ mode: "auto", gates: [{ kind: "errorRate", max: 101 }] }, "analysis.gates.0.max"],
      [{ mode: "auto", gates: [{ kind: "latencyP95" }] }, "analysis.gates.0"],
      [{ mode: "auto", gates: [{ kind: "latencyP95", max: 300, window: "5 minutes" }] }, "analysis.gates.0.window"],
      [{ mode: "auto", gates: [{ kind: "promql", max: 1, query: "up{job={{job}}}" }] }, "analysis.gates.0.query"],
      [
        {
          mode: "auto",
          gates: [
            { kind: "errorRate", max: 1 },
            { kind: "errorRate", max: 2 },
          ],
        },
        "analysis.gates.1.name",
      ],
      [{ mode: "auto", extra: true }, "analysis.extra"],
    ] as const;
    const before = await getDeps().db.rollout.count();
    for (const [analysis, field] of bad) {
      const res = await api.create(rolloutInput({ virtualService: kube.addVirtualService(), analysis }));
      expect(res.status, JSON.stringify(analysis)).toBe(400);
      expect(Object.keys(res.body.error.fields ?? {}), JSON.stringify(res.body)).toContain(field);
    }
    expect(await getDeps().db.rollout.count()).toBe(before);
  });

  it("derives gates from the SLO, and lets an admin change the mode while the rollout runs (audited, revision bumped)", async () => {
    const created = await api.create(rolloutInput({ virtualService: kube.addVirtualService(), analysis: { mode: "observe" } }));
    expect(created.status).toBe(201);
    expect(created.body.analysis).toEqual({ mode: "observe", intervalSeconds: 5 });
    const { id } = created.body;

    const read = await api.analysis(id);
    expect(read.status).toBe(200);
    expect(read.body.analysis).toMatchObject({ mode: "observe", derived: true, evaluations: [], decision: { action: "none" } });
    expect(read.body.analysis.gates.map((g: { id: string }) => g.id)).toEqual(["errorRate", "latencyP95", "burnRate"]);

    const started = await api.act(id, { action: "start" });
    expect(started.status).toBe(200);
    const changed = await api.patch(id, { analysis: { mode: "rollback" }, expectedRevision: started.body.revision });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ status: "progressing", revision: started.body.revision + 1, analysis: { mode: "rollback" } });
    const update = await getDeps().db.auditEvent.findFirst({ where: { rolloutId: id, action: "update" }, orderBy: { id: "desc" } });
    expect(update).toMatchObject({ outcome: "success", before: expect.objectContaining({ analysis: { mode: "observe", intervalSeconds: 5 } }) });
    expect(update?.after).toMatchObject({ analysis: { mode: "rollback", intervalSeconds: 5 } });

    // Only the analysis block may change once it runs.
    const steps = await api.patch(id, { analysis: { mode: "auto" }, steps: [{ weight: 50 }, { weight: 100 }] });
    expect(steps.status).toBe(422);
    await expectAuditChainIntact();
  });

  it("says when the verdicts are stale: a live rollout whose newest evaluation is older than three intervals", async () => {
    const created = await api.create(rolloutInput({ virtualService: kube.addVirtualService(), analysis: { mode: "observe" } }));
    const { id } = created.body;
    expect((await api.act(id, { action: "start" })).status).toBe(200);
    expect((await api.analysis(id)).body.analysis).toMatchObject({ lastEvaluatedAt: null, stale: false });
    const evaluate = (secondsAgo: number) =>
      insertEvaluations(getDeps().db, [
        {
          rolloutId: id,
          at: new Date(Date.now() - secondsAgo * 1000),
          evaluation: { gate: "errorRate", kind: "errorRate", verdict: "pass", value: 0, threshold: 0.1, unit: "%", reason: "canary error rate 0% <= 0.1%" },
          query: null,
          window: "20s",
          step: 0,
          canaryWeight: 5,
          evidence: null,
        },
      ]);
    // Interval 5 s: stale after 25 s.
    const old = new Date(Date.now() - 60_000);
    await evaluate(60);
    const stale = (await api.analysis(id)).body.analysis;
    expect(stale.stale).toBe(true);
    expect(Date.parse(stale.lastEvaluatedAt)).toBeGreaterThanOrEqual(old.getTime() - 1000);
    await evaluate(2);
    expect((await api.analysis(id)).body.analysis.stale).toBe(false);
    // A finished rollout is not evaluated any more, so nothing is stale about it.
    expect((await api.act(id, { action: "rollback", reason: "done" })).status).toBe(200);
    await getDeps().db.analysisEvaluation.updateMany({ where: { rolloutId: id }, data: { at: old } });
    expect((await api.analysis(id)).body.analysis).toMatchObject({ stale: false, lastEvaluatedAt: old.toISOString() });
  });

  it("answers {analysis: null} for a rollout without analysis, 404 for an unknown one", async () => {
    const created = await api.create(rolloutInput({ virtualService: kube.addVirtualService() }));
    expect((await api.analysis(created.body.id)).body).toEqual({ analysis: null });
    expect((await api.analysis("00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });
});
