import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { api } from "./client";
import { compareAttention } from "@/lib/domain/attention";
import { getDeps } from "@/lib/composition/deps";
import { listAttention } from "@/lib/server/list-attention";

/**
 * The overview's attention list on a real database: GET /api/rollouts carries each rollout's
 * gates' latest verdicts and its attention, and the use case's order puts a failing gate first.
 */
beforeAll(async () => {
  await useFreshDatabase();
});

const steps = [{ weight: 5, pauseSeconds: 3600 }, { weight: 25, pauseSeconds: 3600 }, { weight: 100 }];

async function liveRollout({ mode, status = "progressing", startedSecondsAgo }: { mode: string; status?: string; startedSecondsAgo: number }) {
  const created = await api.create(rolloutInput({ steps, analysis: { mode } }));
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const stepStartedAt = new Date(Date.now() - startedSecondsAgo * 1000);
  await getDeps().db.rollout.update({
    where: { id },
    data: { status: status as "progressing", currentStep: 1, canaryWeight: 25, stepStartedAt, updatedAt: stepStartedAt },
  });
  return { id, name: created.body.name as string };
}

type Verdict = "pass" | "fail" | "inconclusive";
async function evaluate(rolloutId: string, secondsAgo: number, verdicts: Record<string, [Verdict, string]>) {
  const at = new Date(Date.now() - secondsAgo * 1000);
  await getDeps().db.analysisEvaluation.createMany({
    data: Object.entries(verdicts).map(([gate, [verdict, reason]]) => ({
      rolloutId,
      at,
      gate,
      kind: gate,
      verdict,
      value: 1,
      threshold: 1,
      unit: "%",
      reason,
      window: "1m",
      step: 1,
      canaryWeight: 25,
    })),
  });
}

describe("the attention list", () => {
  it("puts a rollout whose gate fails first, with the reason, and leaves healthy ones progressing", async () => {
    const healthy = await liveRollout({ mode: "auto", startedSecondsAgo: 900 });
    const paused = await liveRollout({ mode: "auto", status: "paused", startedSecondsAgo: 1_800 });
    const failing = await liveRollout({ mode: "observe", startedSecondsAgo: 60 });
    const recovered = await liveRollout({ mode: "auto", startedSecondsAgo: 600 });
    const pass = ["pass", "fine"] as [Verdict, string];
    for (let s = 100; s >= 10; s -= 5) {
      await evaluate(healthy.id, s, { errorRate: pass, latencyP95: pass, burnRate: pass });
      await evaluate(failing.id, s, { errorRate: s > 20 ? pass : ["fail", "canary error rate 4.9% > 0.1%"], latencyP95: pass, burnRate: pass });
      await evaluate(recovered.id, s, { errorRate: s > 20 ? ["fail", "old failure"] : pass, latencyP95: pass, burnRate: pass });
    }
    await evaluate(paused.id, 10, { errorRate: pass, latencyP95: ["inconclusive", "canary served 12 of the 20 requests needed"], burnRate: pass });

    const { status, body } = await api.list();
    expect(status).toBe(200);
    expect(Date.parse(body.readAt as string)).not.toBeNaN();
    const byId = new Map((body.rollouts as { id: string }[]).map((r) => [r.id, r as Record<string, unknown>]));
    expect(byId.get(failing.id)).toMatchObject({
      attention: { group: "needs-you", urgency: "failing", reasons: ["gate errorRate failing: canary error rate 4.9% > 0.1%"] },
    });
    expect((byId.get(failing.id)?.gates as { gate: string; verdict: string }[]).map((g) => [g.gate, g.verdict])).toEqual([
      ["burnRate", "pass"],
      ["errorRate", "fail"],
      ["latencyP95", "pass"],
    ]);
    expect(byId.get(paused.id)).toMatchObject({
      attention: { group: "needs-you", reasons: ["gate latencyP95 inconclusive: canary served 12 of the 20 requests needed", "paused"] },
    });
    expect(byId.get(recovered.id)).toMatchObject({ attention: { group: "progressing" } });
    expect(byId.get(healthy.id)).toMatchObject({
      attention: { group: "progressing" },
      gates: expect.arrayContaining([expect.objectContaining({ gate: "errorRate" })]),
    });

    const { items } = await listAttention(getDeps());
    const order = items
      .slice()
      .sort((a, b) => compareAttention(a.attention, b.attention))
      .map((item) => item.rollout.name);
    expect(order.slice(0, 2)).toEqual([failing.name, paused.name]);
  });

  it("puts a rollout whose verdicts are stale among those needing a person: the loop is not running for it", async () => {
    const stale = await liveRollout({ mode: "auto", startedSecondsAgo: 900 });
    const pass = ["pass", "fine"] as [Verdict, string];
    await evaluate(stale.id, 120, { errorRate: pass, latencyP95: pass, burnRate: pass });
    const { body } = await api.list();
    const listed = (body.rollouts as { id: string; attention: { group: string; reasons: string[] } }[]).find((r) => r.id === stale.id);
    expect(listed?.attention.group).toBe("needs-you");
    expect(listed?.attention.reasons[0]).toMatch(/^analysis stale: no evaluation for 2 min( \d+ s)?, the loop is not running for it/);
  });

  it("reads the gates of live analysed rollouts only, in one statement for many", async () => {
    const off = await liveRollout({ mode: "off", startedSecondsAgo: 30 });
    await evaluate(off.id, 5, { errorRate: ["fail", "stale verdict from before analysis was turned off"] });
    const { body } = await api.list();
    const listed = (body.rollouts as { id: string; gates: unknown[]; attention: { reasons: string[] } }[]).find((r) => r.id === off.id);
    expect(listed?.gates).toEqual([]);
    expect(listed?.attention.reasons.join(" ")).not.toContain("stale verdict");
  });
});
