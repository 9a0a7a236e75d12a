import { spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import pg from "pg";
import { freePort } from "../test/free-port";
import { startBenchDatabase } from "./bench-database";
import type { BenchContext } from "./run";

/**
 * How much a rollback through Aviary costs over the two Kubernetes calls it cannot avoid.
 *   rollback: POST /api/rollouts/{id}/actions {"action":"rollback"} through the real route
 *     handler (in-process, real Request), on a rollout started and promoted beforehand (untimed).
 *   bare pair: GET + JSON PATCH of the same VirtualService with @kubernetes/client-node alone.
 * Both against the sandbox Kubernetes API over loopback HTTPS, interleaved, after a warm-up. The
 * sandbox runs in its own process, as a cluster would: its work does not queue behind the client's.
 */
const WARM_UP = 30;
const ITERATIONS = 250;
const GOAL_P99_MS = 100;
const GOAL_RATIO = 5;
/** An action should cost little beyond the two cluster calls it cannot avoid. */
const GOAL_P50_RATIO = 3;

const VS = { group: "networking.istio.io", version: "v1", plural: "virtualservices", namespace: "shop", name: "checkout" } as const;

const virtualService = {
  apiVersion: "networking.istio.io/v1",
  kind: "VirtualService",
  metadata: { name: VS.name, namespace: VS.namespace },
  spec: {
    hosts: ["checkout"],
    http: [
      {
        name: "primary",
        route: [
          { destination: { host: "checkout", subset: "stable" }, weight: 100 },
          { destination: { host: "checkout", subset: "canary" }, weight: 0 },
        ],
      },
    ],
  },
};

/** The sandbox Kubernetes API as a child process (sandbox/kube-api/main.ts), stopped by its pid. */
async function startSandboxProcess({ root, log }: { root: string; log: (line: string) => void }) {
  const seedFile = path.join(root, "seed.json");
  const kubeconfigPath = path.join(root, "kubeconfig");
  await writeFile(seedFile, JSON.stringify([virtualService]));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      fileURLToPath(new URL("../sandbox/kube-api/main.ts", import.meta.url)),
      "--port",
      String(port),
      "--kubeconfig",
      kubeconfigPath,
      "--seed",
      seedFile,
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sandbox Kubernetes API did not start within 60 s:\n${output}`)), 60_000);
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("listening on https://127.0.0.1:")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox Kubernetes API exited with ${code}:\n${output}`));
    });
  });
  log(`sandbox Kubernetes API (pid ${child.pid}) on https://127.0.0.1:${port}`);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { kubeconfigPath, stop };
}

type Stats = { n: number; p50: number; p99: number; mean: number; min: number; max: number };

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: the smallest sample with at least p% of samples at or below it.
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return { n: sorted.length, p50: rank(50), p99: rank(99), mean: sum / sorted.length, min: sorted[0]!, max: sorted.at(-1)! };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main({ log }: BenchContext): Promise<string> {
  const root = path.resolve(".data", "bench", "traffic-control");
  await rm(root, { recursive: true, force: true });

  log("starting embedded PostgreSQL and the sandbox Kubernetes API");
  const postgres = await startBenchDatabase({ root, log });
  const stops: (() => Promise<unknown>)[] = [postgres.stop];
  try {
    const kube = await startSandboxProcess({ root, log });
    stops.unshift(kube.stop);

    process.env.DATABASE_URL = postgres.url;
    process.env.AVIARY_CLUSTERS = JSON.stringify({ default: { kubeconfig: kube.kubeconfigPath } });
    process.env.AVIARY_AUTH_MODE = "none";
    const { closeDeps } = await import("../lib/composition/deps");
    await closeDeps();

    // Imported only now: the route's adapters are built from the environment set above.
    const actions = await import("../app/api/rollouts/[id]/actions/route");
    const collection = await import("../app/api/rollouts/route");
    stops.unshift(closeDeps);

    const post = (url: string, body: unknown) =>
      new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const expectOk = async (response: Response, what: string) => {
      if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string; canaryWeight: number };
    };
    const act = (id: string, body: unknown) => actions.POST(post(`http://aviary.bench/api/rollouts/${id}/actions`, body), { params: Promise.resolve({ id }) });

    let created = 0;
    /** Untimed: a fresh rollout on the shared VirtualService, started and promoted to 25%. */
    async function promotedRollout(): Promise<string> {
      created += 1;
      const input = {
        name: `bench-${created}`,
        namespace: VS.namespace,
        virtualService: VS.name,
        route: "primary",
        stable: { host: "checkout", subset: "stable" },
        canary: { host: "checkout", subset: "canary" },
        steps: [{ weight: 5 }, { weight: 25 }, { weight: 100 }],
        metrics: { stableWorkload: "checkout-v1", canaryWorkload: "checkout-v2" },
        slo: { availability: 99.9, latencyP95Ms: 300 },
      };
      const { id } = await expectOk(await collection.POST(post("http://aviary.bench/api/rollouts", input)), "create");
      await expectOk(await act(id, { action: "start" }), "start");
      const promoted = await expectOk(await act(id, { action: "promote" }), "promote");
      if (promoted.canaryWeight !== 25) throw new Error(`promote left the canary at ${promoted.canaryWeight}%`);
      return id;
    }

    async function timedRollback(): Promise<number> {
      const id = await promotedRollout();
      const started = performance.now();
      const response = await act(id, { action: "rollback", reason: "benchmark" });
      const elapsed = performance.now() - started;
      const body = await expectOk(response, "rollback");
      if (body.canaryWeight !== 0) throw new Error(`rollback left the canary at ${body.canaryWeight}%`);
      return elapsed;
    }

    const kc = new KubeConfig();
    kc.loadFromFile(kube.kubeconfigPath);
    const client = kc.makeApiClient(CustomObjectsApi);
    let toggle = 0;
    async function timedBarePair(): Promise<number> {
      toggle = toggle === 10 ? 20 : 10; // a different weight each time: every PATCH is a real write
      const started = performance.now();
      const object = (await client.getNamespacedCustomObject(VS)) as { metadata: { resourceVersion: string } };
      await client.patchNamespacedCustomObject({
        ...VS,
        body: [
          { op: "test", path: "/metadata/resourceVersion", value: object.metadata.resourceVersion },
          { op: "replace", path: "/spec/http/0/route/0/weight", value: 100 - toggle },
          { op: "replace", path: "/spec/http/0/route/1/weight", value: toggle },
        ],
      });
      const elapsed = performance.now() - started;
      // Put the weights back where the rollouts expect them (untimed).
      const again = (await client.getNamespacedCustomObject(VS)) as { metadata: { resourceVersion: string } };
      await client.patchNamespacedCustomObject({
        ...VS,
        body: [
          { op: "test", path: "/metadata/resourceVersion", value: again.metadata.resourceVersion },
          { op: "replace", path: "/spec/http/0/route/0/weight", value: 100 },
          { op: "replace", path: "/spec/http/0/route/1/weight", value: 0 },
        ],
      });
      return elapsed;
    }

    log(`warming up (${WARM_UP} iterations of each)`);
    for (let i = 0; i < WARM_UP; i++) {
      await timedBarePair();
      await timedRollback();
    }
    // Round trips of one rollback, counted (not timed): every statement sent on any node-postgres
    // connection (Prisma's adapter, the lock pool and the audit reader all use pg), and every call
    // to the cluster adapter.
    const { getDeps, overrideDeps } = await import("../lib/composition/deps");
    const trips = { statements: [] as string[], cluster: [] as string[] };
    const realQuery = pg.Client.prototype.query;
    const countedId = await promotedRollout();
    const realKube = getDeps().kube;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string }).text;
      trips.statements.push(String(text).replace(/\s+/g, " ").slice(0, 60));
      return (realQuery as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof realQuery;
    overrideDeps({
      kube: new Proxy(realKube, {
        get: (target, key, receiver) => {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (typeof value !== "function") return value;
          return (...args: unknown[]) => {
            trips.cluster.push(String(key));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }),
    });
    try {
      await expectOk(await act(countedId, { action: "rollback", reason: "counting round trips" }), "counted rollback");
    } finally {
      pg.Client.prototype.query = realQuery;
      overrideDeps({});
    }
    log(`one rollback: ${trips.statements.length} database statements, ${trips.cluster.length} cluster calls (${trips.cluster.join(", ")})`);

    log(`measuring (${ITERATIONS} iterations of each, interleaved)`);
    const loadBefore = os.loadavg()[0]!;
    const rollbacks: number[] = [];
    const pairs: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      pairs.push(await timedBarePair());
      rollbacks.push(await timedRollback());
      if ((i + 1) % 50 === 0) log(`${i + 1}/${ITERATIONS}`);
    }

    const rollback = stats(rollbacks);
    const pair = stats(pairs);
    const ratio = rollback.p99 / pair.p99;
    const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
    const p99Goal = verdict(rollback.p99 < GOAL_P99_MS);
    const ratioGoal = verdict(ratio <= GOAL_RATIO);
    const p50Ratio = rollback.p50 / pair.p50;
    const p50RatioGoal = verdict(p50Ratio <= GOAL_P50_RATIO);
    log(`rollback p50 ${ms(rollback.p50)} p99 ${ms(rollback.p99)}; bare GET+PATCH p50 ${ms(pair.p50)} p99 ${ms(pair.p99)}; ratio ${ratio.toFixed(2)}x`);
    log(`goal rollback p99 < ${GOAL_P99_MS} ms: ${p99Goal}; goal ratio <= ${GOAL_RATIO}x: ${ratioGoal}`);

    const row = (label: string, s: Stats) => `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.mean)} | ${ms(s.min)} | ${ms(s.max)} |`;
    return [
      "## Traffic control",
      "",
      `One run, ${WARM_UP} warm-up iterations then ${ITERATIONS} measured iterations of each, interleaved, against the sandbox Kubernetes API (its own process, HTTPS on loopback) and an embedded PostgreSQL, both started by the module under \`.data/bench/\`.`,
      "",
      '- **Rollback**: `POST /api/rollouts/{id}/actions` `{"action":"rollback"}` through the real route handler (`app/api/rollouts/[id]/actions/route.ts`, in-process, real `Request`, `AVIARY_AUTH_MODE=none`), on a fresh rollout created, started and promoted to 25% beforehand (untimed). Inside: advisory lock, pending-operation check, read of the VirtualService, intent row, conditional JSON patch, one transaction for state, operation and hash-chained audit event.',
      "- **Bare pair**: `getNamespacedCustomObject` + `patchNamespacedCustomObject` (JSON patch with a `test` on resourceVersion) of the same VirtualService with `@kubernetes/client-node` alone: the two calls a rollback cannot avoid.",
      "",
      "| Measurement | n | p50 | p99 | mean | min | max |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      row("Rollback through the route", rollback),
      row("Bare GET + PATCH (client-node)", pair),
      "",
      `**Round trips of one rollback** (counted once, after the warm-up): ${trips.statements.length} database statements and ${trips.cluster.length} cluster calls (${trips.cluster.map((c) => `\`${c}\``).join(", ")}). The statements, in order: ${trips.statements.map((t) => `\`${t}\``).join(" · ")}.`,
      "",
      `Load average (1 min) before / after measuring: ${loadBefore.toFixed(2)} / ${os.loadavg()[0]!.toFixed(2)} on ${os.availableParallelism()} cores.`,
      "",
      "| Goal | Measured | Result |",
      "| --- | ---: | :---: |",
      `| Rollback p99 < ${GOAL_P99_MS} ms | ${ms(rollback.p99)} | ${p99Goal} |`,
      `| Rollback p99 ≤ ${GOAL_RATIO}× bare pair p99 | ${ratio.toFixed(2)}× (${ms(rollback.p99)} / ${ms(pair.p99)}) | ${ratioGoal} |`,
      `| Rollback p50 ≤ ${GOAL_P50_RATIO}× bare pair p50 | ${p50Ratio.toFixed(2)}× (${ms(rollback.p50)} / ${ms(pair.p50)}) | ${p50RatioGoal} |`,
      "",
    ].join("\n");
  } finally {
    for (const stop of stops) await stop().catch((error: unknown) => log(`teardown: ${(error as Error).message}`));
    await rm(root, { recursive: true, force: true });
  }
}

const trafficControl = { title: "Traffic control", run: main };
export default trafficControl;
