import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ACTOR, type Actor } from "@/lib/domain/actor";
import { actOnRollout } from "@/lib/server/act-on-rollout";
import { analyseRollouts, type RolloutOutcome } from "@/lib/server/analyse-rollouts";
import { tickChecklistItem } from "@/lib/server/approvals/tick-checklist-item";
import { createRollout } from "@/lib/server/create-rollout";
import { getDeps, resetDeps, type Deps } from "@/lib/composition/deps";
import { configureWith } from "../config";
import { createFreezeWindow } from "@/lib/server/freeze/manage-freeze-windows";
import { getRollout } from "@/lib/server/get-rollout";
import { getRolloutAnalysis } from "@/lib/server/get-rollout-analysis";
import { createPrometheusClient } from "@/lib/prometheus/client";
import { DEMO_SERVICES } from "@/scripts/lib/demo-rollouts";
import { startStack, type RunningStack } from "@/scripts/lib/stack";
import { expectAuditChainIntact } from "../audit-chain";
import { useFreshDatabase } from "../database";
import { startCheckServer } from "./check-server";
import { allowLoopbackEgress } from "../egress";

/**
 * Analysis in auto mode on the real stack (sandbox Kubernetes API and mesh, a real Prometheus,
 * PostgreSQL) with approvals and a freeze window: the loop's passes hold the promotion while the
 * checklist is open and while the freeze lasts, saying why, then run the checks themselves and
 * promote through the same action path as a person.
 */
const dataDir = path.resolve(".data", "test", `approvals-loop-${randomBytes(4).toString("hex")}`);
const CONTEXT = { actor: LOCAL_ACTOR, requestId: "approvals-loop-test", clientAddress: null };
const ERIN: Actor = { id: "erin", email: "erin@example.com", role: "operator" };
let stack: RunningStack;
let deps: Deps;
let services: Awaited<ReturnType<typeof startCheckServer>>;
let restoreClusters = () => {};

beforeAll(async () => {
  allowLoopbackEgress(); // the local receivers below; the default policy refuses loopback
  await useFreshDatabase();
  services = await startCheckServer();
  stack = await startStack({ dataDir, fresh: true, seed: false, ownsProcess: false });
  restoreClusters = configureWith({ AVIARY_CLUSTERS: JSON.stringify({ default: { kubeconfig: stack.kube.kubeconfigPath } }) }, "clusters");
  resetDeps();
  deps = { ...getDeps(), prometheus: createPrometheusClient({ baseUrl: stack.prometheus.url }) };
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await services?.close();
  await rm(dataDir, { recursive: true, force: true });
  restoreClusters();
  resetDeps();
});

/** Runs loop passes (one a second) until `done` holds for this rollout's outcome; the passes' reasons, in order. */
async function passUntil(id: string, done: (outcome: RolloutOutcome) => boolean, timeoutMs: number): Promise<string[]> {
  const reasons: string[] = [];
  const end = Date.now() + timeoutMs;
  for (;;) {
    const outcome = (await analyseRollouts(deps)).outcomes.find((o) => o.rolloutId === id);
    if (outcome && reasons.at(-1) !== outcome.decision.reason) reasons.push(outcome.decision.reason);
    if (outcome && done(outcome)) return reasons;
    if (Date.now() > end) throw new Error(`still waiting after ${timeoutMs / 1000} s; reasons: ${reasons.join(" | ")}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const minute = (t: number) => new Date(t).toISOString().slice(0, 16);

describe("analysis in auto mode with approvals and a freeze window", () => {
  it("waits for the checklist, then for the end of the freeze, saying why each time, then runs the checks and promotes", async () => {
    const service = DEMO_SERVICES.find((s) => s.definition.name === "search-v7")!;
    const rollout = await createRollout(deps, {
      input: {
        ...service.definition,
        name: "search-approvals",
        steps: [{ weight: 10, pauseSeconds: 4 }, { weight: 50 }, { weight: 100 }],
        // search-v7's canary answers with a P95 of 340 ms on purpose (the demo's latency regression);
        // against 500 ms, a minute of ~100 requests read above it 3 times in a row now and then
        // (about 2% of its requests take over 500 ms) and a CI run saw the gate fail. This test is
        // about approvals, so the objective sits far above it.
        slo: { availability: 99, latencyP95Ms: 1500 },
        analysis: { mode: "auto" },
        approvals: { checks: [{ name: "smoke", url: services.url("/ok") }], checklist: [{ id: "notes", text: "Release notes published" }] },
      },
      context: CONTEXT,
    });
    await actOnRollout(deps, { id: rollout.id, input: { action: "start" }, context: CONTEXT });

    const waiting = await passUntil(rollout.id, (o) => o.decision.reason.includes("waiting for approval"), 60_000);
    expect(waiting.at(-1)).toBe("ready to promote, but waiting for approval: 0 of 1 checklist item ticked (open: 'Release notes published')");
    expect((await getRolloutAnalysis(deps, { id: rollout.id }))?.decision.reason).toContain("waiting for approval: 0 of 1 checklist item ticked");
    expect((await getRollout(deps, { id: rollout.id })).canaryWeight).toBe(10);
    expect(services.hits("/ok")).toBe(0); // no checks while a person still has to act

    // A freeze that ends at the next full minute at least 20 s away.
    const endsAt = Math.ceil((Date.now() + 20_000) / 60_000) * 60_000;
    await createFreezeWindow(deps, {
      input: { name: "Lunch", zone: "UTC", rule: { kind: "once", start: minute(Date.now() - 60_000), end: minute(endsAt) }, namespaces: ["search"] },
      context: CONTEXT,
    });
    await tickChecklistItem(deps, { id: rollout.id, itemId: "notes", input: undefined, context: { ...CONTEXT, actor: ERIN } });
    const frozen = await passUntil(rollout.id, (o) => o.decision.reason.includes("freeze"), 20_000);
    expect(frozen.at(-1)).toBe(`ready to promote, but freeze window 'Lunch' until ${minute(endsAt).replace("T", " ")} UTC: analysis promotes once it ends`);
    expect((await getRollout(deps, { id: rollout.id })).canaryWeight).toBe(10);

    await passUntil(rollout.id, (o) => o.acted === "promote", 120_000);
    expect(Date.now()).toBeGreaterThanOrEqual(endsAt);
    expect((await getRollout(deps, { id: rollout.id })).canaryWeight).toBe(50);
    const audit = await deps.db.auditEvent.findMany({ where: { rolloutId: rollout.id }, orderBy: { id: "asc" } });
    const tail = audit.slice(audit.findIndex((e) => e.action === "approval_tick"));
    expect(tail.map((e) => [e.action, e.actorId, e.outcome])).toEqual([
      ["approval_tick", "erin", "success"],
      ["approval_checks", "aviary-analysis", "success"],
      ["promote", "aviary-analysis", "success"],
    ]);
    expect(services.hits("/ok")).toBe(1);
    await actOnRollout(deps, { id: rollout.id, input: { action: "rollback", reason: "test done" }, context: CONTEXT });
    await expectAuditChainIntact();
  }, 240_000);
});
