import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLeaderLock } from "@/lib/db/leader-lock";
import { listEvaluations } from "@/lib/db/evaluations";
import { LOCAL_ACTOR } from "@/lib/domain/actor";
import type { AnalysisInput } from "@/lib/domain/analysis/definition";
import { gateSchema } from "@/lib/domain/analysis/definition";
import { evaluateGate } from "@/lib/domain/analysis/evaluate";
import { createLogger } from "@/lib/log";
import { createSandboxMesh } from "@/lib/mesh/sandbox-mesh";
import { fetchAnalysisEvidence } from "@/lib/prometheus/fetch-analysis-evidence";
import { createPrometheusClient } from "@/lib/prometheus/client";
import { actOnRollout } from "@/lib/server/act-on-rollout";
import { analyseRollouts } from "@/lib/server/analyse-rollouts";
import { analysisTask } from "@/lib/background/analysis-task";
import { startTasks } from "@/lib/background/runner";
import { createRollout } from "@/lib/server/create-rollout";
import { getConfig, getDeps, resetDeps, type Deps } from "@/lib/composition/deps";
import { configureWith } from "../config";
import { getRollout } from "@/lib/server/get-rollout";
import { injectDemoFault } from "@/lib/server/inject-demo-fault";
import { DEMO_SERVICES } from "@/scripts/lib/demo-rollouts";
import { startStack, type RunningStack } from "@/scripts/lib/stack";
import { expectAuditChainIntact } from "../audit-chain";
import { useFreshDatabase } from "../database";

/**
 * Automated analysis on the real parts: the sandbox Kubernetes API and mesh (their own
 * processes), a real Prometheus scraping the mesh every 2 s, PostgreSQL. The loop runs as in the
 * server (leader lock, one tick a second) and acts through the same path as a person.
 */
const dataDir = path.resolve(".data", "test", `analysis-${randomBytes(4).toString("hex")}`);
const VS = { group: "networking.istio.io", version: "v1", plural: "virtualservices" } as const;
const CONTEXT = { actor: LOCAL_ACTOR, requestId: "analysis-test", clientAddress: null };
let stack: RunningStack;
let cluster: CustomObjectsApi;
let deps: Deps;
let restoreClusters = () => {};

beforeAll(async () => {
  await useFreshDatabase();
  stack = await startStack({ dataDir, fresh: true, seed: false, ownsProcess: false });
  restoreClusters = configureWith({ AVIARY_CLUSTERS: JSON.stringify({ default: { kubeconfig: stack.kube.kubeconfigPath } }) }, "clusters");
  resetDeps();
  deps = { ...getDeps(), prometheus: createPrometheusClient({ baseUrl: stack.prometheus.url }) };
  const kc = new KubeConfig();
  kc.loadFromFile(stack.kube.kubeconfigPath);
  cluster = kc.makeApiClient(CustomObjectsApi);
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  restoreClusters();
  resetDeps();
});

const demo = (name: string) => DEMO_SERVICES.find((s) => s.definition.name === name)!;

async function setProfile(namespace: string, workload: string, patch: Record<string, number>) {
  const res = await fetch(`${stack.mesh.adminUrl}/profiles/${namespace}/${workload}`, { method: "PUT", body: JSON.stringify(patch) });
  expect(res.status, await res.text()).toBe(200);
}

async function liveCanaryWeight(namespace: string, name: string): Promise<number> {
  const vs = (await cluster.getNamespacedCustomObject({ ...VS, namespace, name })) as { spec: { http: { route: { weight: number }[] }[] } };
  return vs.spec.http[0]!.route[1]!.weight;
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function startedRollout(name: string, analysis: AnalysisInput, overrides: Record<string, unknown> = {}) {
  const service = demo(name);
  const rollout = await createRollout(deps, { input: { ...service.definition, ...overrides, analysis }, context: CONTEXT });
  await actOnRollout(deps, { id: rollout.id, input: { action: "start" }, context: CONTEXT });
  return rollout;
}

/** The analysis task as the server runs it (its leader lock, one pass a second at most), with its log kept quiet. */
const startLoop = () =>
  startTasks([analysisTask({ deps, leader: createLeaderLock(getConfig().databaseUrl()) })], { metrics: deps.metrics, log: createLogger({ write: () => {} }) });

const auditOf = (rolloutId: string) => deps.db.auditEvent.findMany({ where: { rolloutId }, orderBy: { id: "asc" } });

describe("the analysis loop on the real stack", () => {
  it("rolls back a canary whose errors burst (10 requests/s, 0.05% -> 5%), as aviary-analysis, naming the gate", async () => {
    const rollout = await startedRollout("checkout-v2", { mode: "rollback" });
    await actOnRollout(deps, { id: rollout.id, input: { action: "promote" }, context: CONTEXT }); // 25% of 40 req/s
    const stop = startLoop();
    try {
      // Healthy first: the loop evaluates and leaves it alone.
      await waitFor(
        "healthy evaluations",
        () => listEvaluations(deps.db, rollout.id, { from: new Date(0) }),
        (rows) => rows.length >= 6,
        30_000,
      );
      expect(await liveCanaryWeight("shop", "checkout")).toBe(25);

      await setProfile("shop", "checkout-v2", { errorRatio: 0.05 });
      const broke = Date.now();
      await waitFor(
        "canary weight 0",
        () => liveCanaryWeight("shop", "checkout"),
        (weight) => weight === 0,
        60_000,
      );
      console.log(`error burst -> canary weight 0 in ${((Date.now() - broke) / 1000).toFixed(1)} s`);
    } finally {
      await stop();
      await setProfile("shop", "checkout-v2", { errorRatio: demo("checkout-v2").canary.errorRatio });
    }

    const after = await getRollout(deps, { id: rollout.id });
    expect(after).toMatchObject({ status: "rolled_back", canaryWeight: 0 });
    const rollback = (await auditOf(rollout.id)).filter((e) => e.action === "rollback");
    expect(rollback).toHaveLength(1);
    expect(rollback[0]).toMatchObject({ actorId: "aviary-analysis", outcome: "success" });
    // Whichever of the two error gates saw it first: the error-rate gate (over its window or the
    // newest part of it) or the burn rate.
    expect(rollback[0]!.reason).toMatch(
      /^gate (errorRate failed 1 evaluation in a row \(limit 1\): canary error rate [\d.]+%( \(the last \d+ s of the 20 s window\))? > 0\.1%|burnRate failed 1 evaluation in a row \(limit 1\): canary burn rate [\d.]+)/,
    );
    const evaluations = await listEvaluations(deps.db, rollout.id, { from: new Date(0) });
    expect(evaluations.some((e) => e.verdict === "fail" && e.query?.includes("istio_requests_total"))).toBe(true);
    await expectAuditChainIntact();
  }, 120_000);

  it("advances a healthy canary through every step to promoted, on its own", async () => {
    const steps = [{ weight: 10, pauseSeconds: 8 }, { weight: 50, pauseSeconds: 8 }, { weight: 100 }];
    const rollout = await startedRollout("search-v7", { mode: "auto" }, { steps, slo: { availability: 99, latencyP95Ms: 500 } });
    await setProfile("search", "search-v7", { errorRatio: 0, p95Ms: 90 });
    const stop = startLoop();
    try {
      await waitFor(
        "promoted",
        () => getRollout(deps, { id: rollout.id }),
        (r) => r.status === "promoted",
        90_000,
      );
    } finally {
      await stop();
      const service = demo("search-v7");
      await setProfile("search", "search-v7", { errorRatio: service.canary.errorRatio, p95Ms: service.canary.p95Ms });
    }
    expect(await liveCanaryWeight("search", "search")).toBe(100);
    const promotions = (await auditOf(rollout.id)).filter((e) => e.action === "promote" && e.outcome === "success");
    expect(promotions.map((e) => e.actorId)).toEqual(["aviary-analysis", "aviary-analysis"]);
    expect(promotions[0]!.reason).toMatch(/step 1 of 3 \(10%\) held 8 s with every gate passing/);
    await expectAuditChainIntact();
  }, 150_000);

  it("with Prometheus unreachable: every gate inconclusive, saying why, and no action", async () => {
    const rollout = await startedRollout("payments-v2", { mode: "auto" });
    const blind = { ...deps, prometheus: createPrometheusClient({ baseUrl: "http://127.0.0.1:9", timeoutMs: 500 }) };
    const before = await auditOf(rollout.id);
    const result = await analyseRollouts(blind);
    const outcome = result.outcomes.find((o) => o.rolloutId === rollout.id)!;
    expect(outcome.evaluations.map((e) => e.verdict)).toEqual(["inconclusive", "inconclusive", "inconclusive"]);
    expect(outcome.evaluations[0]!.reason).toMatch(/Prometheus/);
    expect(outcome.acted).toBeNull();
    expect(await auditOf(rollout.id)).toEqual(before);
    expect(await liveCanaryWeight("payments", "payments")).toBe(5);
    await actOnRollout(deps, { id: rollout.id, input: { action: "rollback", reason: "test done" }, context: CONTEXT });
    await expectAuditChainIntact();
  }, 30_000);

  it("rolls back a latency regression (canary P95 130 ms -> 600 ms against a 250 ms objective) after 3 failures in a row", async () => {
    // Its own gate: the workload's burn rate still remembers the error burst above for an hour.
    const rollout = await startedRollout("checkout-v2", { mode: "rollback", gates: [{ kind: "latencyP95", max: 250 }] }, { name: "checkout-v3" });
    await actOnRollout(deps, { id: rollout.id, input: { action: "promote" }, context: CONTEXT });
    const stop = startLoop();
    try {
      await setProfile("shop", "checkout-v2", { p50Ms: 300, p95Ms: 600 });
      await waitFor(
        "canary weight 0",
        () => liveCanaryWeight("shop", "checkout"),
        (weight) => weight === 0,
        120_000,
      );
    } finally {
      await stop();
      const { canary } = demo("checkout-v2");
      await setProfile("shop", "checkout-v2", { p50Ms: canary.p50Ms, p95Ms: canary.p95Ms });
    }
    const [rollback] = (await auditOf(rollout.id)).filter((e) => e.action === "rollback");
    expect(rollback).toMatchObject({ actorId: "aviary-analysis", outcome: "success" });
    expect(rollback!.reason).toMatch(/^gate latencyP95 failed 3 evaluations in a row \(limit 3\): canary p95 latency \d+ ms > 250 ms/);
    await expectAuditChainIntact();
  }, 150_000);

  it("with no traffic: gates inconclusive, saying how many requests were missing, and no advance", async () => {
    // On the checkout VirtualService (back at 0% after the tests above), measured on workloads that serve nothing.
    const { id } = await startedRollout(
      "checkout-v2",
      { mode: "auto" },
      {
        name: "ghost-v2",
        steps: [{ weight: 10, pauseSeconds: 0 }, { weight: 100 }],
        metrics: { stableWorkload: "ghost-v1", canaryWorkload: "ghost-v2" },
      },
    );
    const result = await analyseRollouts(deps);
    const outcome = result.outcomes.find((o) => o.rolloutId === id)!;
    expect(outcome.evaluations.map((e) => e.verdict)).toEqual(["inconclusive", "inconclusive", "inconclusive"]);
    expect(outcome.evaluations[0]!.reason).toMatch(/^no canary data in the last 20 s|canary served 0 of the \d+ requests needed/);
    expect(outcome.decision.action).toBe("none");
    expect(outcome.acted).toBeNull();
    expect((await getRollout(deps, { id })).currentStep).toBe(0);
    await actOnRollout(deps, { id, input: { action: "rollback", reason: "test done" }, context: CONTEXT });
    await expectAuditChainIntact();
  }, 30_000);

  it("a person's pause stops auto-advance at once", async () => {
    await setProfile("payments", "payments-v2", { errorRatio: 0 });
    const steps = [{ weight: 25, pauseSeconds: 6 }, { weight: 50, pauseSeconds: 6 }, { weight: 100 }];
    const rollout = await startedRollout("payments-v2", { mode: "auto" }, { name: "payments-v3", steps, slo: { availability: 99, latencyP95Ms: 1000 } });
    await actOnRollout(deps, { id: rollout.id, input: { action: "pause", reason: "looking at a dashboard" }, context: CONTEXT });
    const stop = startLoop();
    try {
      // Well past the step's 6 s pause, with the loop evaluating all along.
      await waitFor(
        "evaluations",
        () => listEvaluations(deps.db, rollout.id, { from: new Date(0) }),
        (rows) => rows.length >= 9,
        40_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 8_000));
    } finally {
      await stop();
      await setProfile("payments", "payments-v2", { errorRatio: demo("payments-v2").canary.errorRatio });
    }
    expect(await getRollout(deps, { id: rollout.id })).toMatchObject({ status: "paused", currentStep: 0, canaryWeight: 25 });
    expect(await liveCanaryWeight("payments", "payments")).toBe(25);
    expect((await auditOf(rollout.id)).filter((e) => e.actorId === "aviary-analysis")).toEqual([]);
    await actOnRollout(deps, { id: rollout.id, input: { action: "rollback", reason: "test done" }, context: CONTEXT });
    await expectAuditChainIntact();
  }, 90_000);

  it("a person and the loop rolling back at the same moment make one rollback, not two", async () => {
    await setProfile("payments", "payments-v2", { errorRatio: 0.3 });
    const rollout = await startedRollout("payments-v2", { mode: "rollback" }, { name: "payments-v4", steps: [{ weight: 50 }, { weight: 100 }] });
    try {
      // Let the failing evidence build up, then race one loop pass against a person.
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      const [pass] = await Promise.all([
        analyseRollouts(deps),
        actOnRollout(deps, { id: rollout.id, input: { action: "rollback", reason: "I saw it too" }, context: CONTEXT }).catch((error: Error) => error),
      ]);
      expect(pass.outcomes.find((o) => o.rolloutId === rollout.id)?.decision.action).toBe("rollback");
    } finally {
      await setProfile("payments", "payments-v2", { errorRatio: demo("payments-v2").canary.errorRatio });
    }
    const rollbacks = (await auditOf(rollout.id)).filter((e) => e.action === "rollback" && e.outcome === "success");
    expect(rollbacks).toHaveLength(1);
    expect(await getRollout(deps, { id: rollout.id })).toMatchObject({ status: "rolled_back", canaryWeight: 0 });
    expect(await liveCanaryWeight("payments", "payments")).toBe(0);
    await expectAuditChainIntact();
  }, 60_000);

  it("the leader's process killed mid-rollout: another replica takes over and the rollout continues to promoted", async () => {
    const steps = [{ weight: 10, pauseSeconds: 6 }, { weight: 50, pauseSeconds: 6 }, { weight: 100 }];
    const rollout = await createRollout(deps, {
      input: { ...demo("checkout-v2").definition, name: "checkout-v5", steps, analysis: { mode: "auto", gates: [{ kind: "errorRate", max: 1 }] } },
      context: CONTEXT,
    });
    const replica = spawn(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "analysis-replica.ts")], {
      // A process of its own, configured the way a replica is: through its environment.
      env: {
        ...process.env,
        DATABASE_URL: getConfig().databaseUrl(),
        AVIARY_CLUSTERS: JSON.stringify({ default: { kubeconfig: stack.kube.kubeconfigPath } }),
        AVIARY_PROMETHEUS_URL: stack.prometheus.url,
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((resolve) => replica.once("exit", resolve));
    let stop: (() => Promise<void>) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        replica.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("leader") && resolve());
        replica.once("exit", (code) => reject(new Error(`the replica exited (${code}) before leading`)));
      });
      await actOnRollout(deps, { id: rollout.id, input: { action: "start" }, context: CONTEXT });
      await waitFor(
        "the replica's first promotion",
        () => getRollout(deps, { id: rollout.id }),
        (r) => r.currentStep === 1,
        60_000,
      );
      replica.kill("SIGKILL");
      await exited;
      // This process is the other replica: its loop takes the lock the dead one held.
      stop = startLoop();
      await waitFor(
        "promoted",
        () => getRollout(deps, { id: rollout.id }),
        (r) => r.status === "promoted",
        60_000,
      );
    } finally {
      replica.kill("SIGKILL");
      await stop?.();
    }
    const promotions = (await auditOf(rollout.id)).filter((e) => e.action === "promote" && e.outcome === "success");
    expect(promotions.map((e) => [e.actorId, (e.after as { canaryWeight: number }).canaryWeight])).toEqual([
      ["aviary-analysis", 50],
      ["aviary-analysis", 100],
    ]);
    expect(await liveCanaryWeight("shop", "checkout")).toBe(100);
    await expectAuditChainIntact();
  }, 150_000);

  it("demo only: a visitor breaks and heals a canary in the sandbox mesh; refused (404) outside demo mode", async () => {
    const rollout = await createRollout(deps, { input: { ...demo("search-v7").definition, name: "search-v9" }, context: CONTEXT });
    const mesh = createSandboxMesh(stack.mesh.adminUrl);
    const demoMode = { ...deps, sandboxMesh: mesh, auth: () => ({ ...deps.auth(), mode: "demo" as const }) } as Deps;
    const profileOf = async () => {
      const { services } = (await (await fetch(`${stack.mesh.adminUrl}/services`)).json()) as {
        services: { destinations: { workload: string; profile: { errorRatio: number } }[] }[];
      };
      return services.flatMap((s) => s.destinations).find((d) => d.workload === "search-v7")!.profile;
    };
    await expect(injectDemoFault({ ...deps, sandboxMesh: mesh }, { id: rollout.id, input: { fault: "errors" }, context: CONTEXT })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(injectDemoFault(demoMode, { id: rollout.id, input: { fault: "explode" }, context: CONTEXT })).rejects.toMatchObject({
      code: "VALIDATION",
      fields: { fault: expect.stringMatching(/errors, latency, heal/) },
    });
    const broken = await injectDemoFault(demoMode, { id: rollout.id, input: { fault: "errors" }, context: CONTEXT });
    expect(broken.message).toBe("search/search-v7 now answers 5% of requests with 5xx in the sandbox mesh");
    expect((await profileOf()).errorRatio).toBe(0.05);
    await injectDemoFault(demoMode, { id: rollout.id, input: { fault: "heal" }, context: CONTEXT });
    expect((await profileOf()).errorRatio).toBe(demo("search-v7").canary.errorRatio);
  });

  it("the Mann-Whitney judge on real series: a slow canary is High on latency, a hostile argument selects nothing", async () => {
    // checkout at 50/50 with the canary four times slower, straight in the cluster: the judge reads series, not Aviary's record.
    const vs = (await cluster.getNamespacedCustomObject({ ...VS, namespace: "shop", name: "checkout" })) as { metadata: { resourceVersion: string } };
    await cluster.patchNamespacedCustomObject({
      ...VS,
      namespace: "shop",
      name: "checkout",
      body: [
        { op: "test", path: "/metadata/resourceVersion", value: vs.metadata.resourceVersion },
        { op: "replace", path: "/spec/http/0/route/0/weight", value: 50 },
        { op: "replace", path: "/spec/http/0/route/1/weight", value: 50 },
      ],
    });
    await setProfile("shop", "checkout-v2", { p50Ms: 200, p95Ms: 520 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 40_000));
      const p95 =
        'histogram_quantile(0.95, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination", destination_workload_namespace={{namespace}}, destination_workload={{target}}}[30s])))';
      const gate = gateSchema.parse({
        kind: "judge",
        window: "30s",
        minSamples: 5,
        metrics: [
          { name: "p95 latency", query: p95, direction: "increase", critical: true, unit: "ms" },
          {
            name: "requests",
            query: "sum(rate(istio_requests_total{destination_workload={{target}}, team={{team}}}[30s])) or vector(0)",
            direction: "decrease",
          },
        ],
        args: { team: 'a"}or vector(1)#' },
      });
      const targets = { namespace: "shop", stable: "checkout-v1", canary: "checkout-v2" };
      const evidence = (await fetchAnalysisEvidence(deps.prometheus, [{ targets, gates: [gate], setWeight: 50 }], { time: new Date() }))[0]![0]!;
      expect(evidence.query?.text).toContain('team="a\\"}or vector(1)#"');
      // The evidence carries its gate, so kind and evidence stay paired without a cast (as analyse-rollouts.ts does).
      const verdict = evaluateGate(evidence.gate, evidence.observation);
      expect(verdict).toMatchObject({ verdict: "fail", value: 0 });
      const latency = verdict.judge!.metrics.find((m) => m.name === "p95 latency")!;
      expect(latency.classification).toBe("High");
      expect(latency.sentence).toMatch(/p95 latency/);
      // The escaped argument matched no series: both sides read the `or vector(0)` fallback, equal, so Pass.
      expect(verdict.judge!.metrics.find((m) => m.name === "requests")!.classification).toBe("Pass");
      expect(verdict.reason).toMatch(/critical metric p95 latency is High: score 0/);
    } finally {
      const { canary } = demo("checkout-v2");
      await setProfile("shop", "checkout-v2", { p50Ms: canary.p50Ms, p95Ms: canary.p95Ms });
    }
  }, 90_000);

  it("hands leadership over when the leader's connection goes: one loop across replicas", async () => {
    const first = createLeaderLock(getConfig().databaseUrl());
    const second = createLeaderLock(getConfig().databaseUrl());
    try {
      expect(await first.check()).toBe(true);
      expect(await second.check()).toBe(false);
      await first.release(); // as a dead process's connection closing
      expect(await second.check()).toBe(true);
      expect(await first.check()).toBe(false);
    } finally {
      await first.release();
      await second.release();
    }
  });
});
