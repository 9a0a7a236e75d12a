import { readdir } from "node:fs/promises";
import pg from "pg";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ACTOR } from "@/lib/domain/actor";
import { createPrometheusClient } from "@/lib/prometheus/client";
import { actOnRollout } from "@/lib/server/act-on-rollout";
import { getConfig, getDeps, overrideDeps, type DepsOverrides } from "@/lib/composition/deps";
import { createRolloutLocks, type RolloutLocks } from "@/lib/db/rollout-lock";
import { getRollout } from "@/lib/server/get-rollout";
import { getRolloutTimeline } from "@/lib/server/get-rollout-timeline";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { api } from "./client";
import { allowLoopbackEgress } from "../egress";

/**
 * "A GET never takes a lock or writes", checked on every GET route handler there is (found on
 * disk, so a new route is covered without anyone remembering to add it) and on the use cases the
 * pages call directly, while an interrupted operation is pending: the situation in which reads
 * used to reconcile. Three witnesses, each able to fail on its own:
 *  - the rows of rollouts, rollout_operations and audit_events, before and after;
 *  - the rollout locks (the container's `locks`, replaced through overrideDeps by a counting
 *    stand-in around a real one): every attempt to lock a rollout is counted;
 *  - pg_locks, polled while every cluster read is slowed down, for any advisory lock at all
 *    (rollout locks and the audit chain's lock alike).
 * The cluster adapter also counts patches: a read must send none.
 */
const kube = startKubeForFile();
const API_DIR = path.resolve(import.meta.dirname, "../../app/api");
const CLUSTER_DELAY_MS = 150;

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

async function routeFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? routeFiles(path.join(dir, e.name)) : Promise.resolve(e.name === "route.ts" ? [path.join(dir, e.name)] : []))),
  );
  return nested.flat().sort();
}

/** An empty but well-formed Prometheus: the SLI reads get as far as they can. */
async function emptyPrometheus(): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    const resultType = req.url?.includes("query_range") ? "matrix" : "vector";
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ status: "success", data: { resultType, result: [] } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

const injected: DepsOverrides = {};
const counts = { patches: 0, lockConnections: 0 };
let prometheus: { url: string; close: () => void } | undefined;
let locks: RolloutLocks | undefined;
let pendingId = "";

beforeAll(async () => {
  allowLoopbackEgress(); // the local receivers below; the default policy refuses loopback
  await useFreshDatabase();
  prometheus = await emptyPrometheus();
  injected.prometheus = createPrometheusClient({ baseUrl: prometheus.url });
  overrideDeps(injected);

  // Two rollouts, each with a promote that patched the cluster and died before recording it.
  for (const name of ["pure-a", "pure-b"]) {
    const vs = kube.addVirtualService();
    const created = await api.create(rolloutInput({ name, virtualService: vs }));
    const id = created.body.id as string;
    expect((await api.act(id, { action: "start" })).status).toBe(200);
    const crashing = {
      ...getDeps(),
      afterPatch: () => {
        throw new Error("simulated crash after the patch");
      },
    };
    await expect(
      actOnRollout(crashing, { id, input: { action: "promote" }, context: { actor: LOCAL_ACTOR, requestId: `crash-${name}`, clientAddress: null } }),
    ).rejects.toThrow("simulated crash");
    pendingId ||= id;
  }
  expect(await getDeps().db.rolloutOperation.count({ where: { status: "pending" } })).toBe(2);

  const real = getDeps().kube;
  injected.kube = new Proxy(real, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        if (String(key).startsWith("patch")) counts.patches++;
        else await new Promise((resolve) => setTimeout(resolve, CLUSTER_DELAY_MS));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });

  const realLocks = createRolloutLocks(getConfig().databaseUrl());
  locks = realLocks;
  injected.locks = {
    withLock: (...args) => {
      counts.lockConnections++;
      return realLocks.withLock(...args);
    },
    tryWithLock: (...args) => {
      counts.lockConnections++;
      return realLocks.tryWithLock(...args);
    },
    close: () => realLocks.close(),
  };
});

afterAll(async () => {
  overrideDeps({});
  prometheus?.close();
  await locks?.close();
});

async function snapshot() {
  const db = getDeps().db;
  const [rollouts, operations, audit] = await Promise.all([
    db.rollout.findMany({ orderBy: { id: "asc" } }),
    db.rolloutOperation.findMany({ orderBy: { id: "asc" } }),
    db.auditEvent.aggregate({ _count: true, _max: { id: true } }),
  ]);
  return { rollouts, operations, audit };
}

/** Advisory locks seen in this database while `work` runs, polled on a connection of its own. */
async function advisoryLocksDuring(work: () => Promise<void>): Promise<string[]> {
  const watcher = new pg.Client({ connectionString: getConfig().databaseUrl() });
  await watcher.connect();
  const seen = new Set<string>();
  let done = false;
  const poll = (async () => {
    while (!done) {
      const { rows } = await watcher.query<{ classid: number; objid: number }>(
        "SELECT classid, objid FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      );
      for (const row of rows) seen.add(`${row.classid}:${row.objid}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  try {
    await work();
  } finally {
    done = true;
    await poll;
    await watcher.end();
  }
  return [...seen];
}

describe("reads with an interrupted operation pending", () => {
  it("take no lock, write nothing and patch nothing, on every GET route and the pages' use cases", async () => {
    const files = await routeFiles(API_DIR);
    const answers: string[] = [];
    const before = await snapshot();
    counts.patches = 0;
    counts.lockConnections = 0;

    const locks = await advisoryLocksDuring(async () => {
      for (const file of files) {
        const mod = (await import(file)) as { GET?: Handler };
        if (!mod.GET) continue;
        const route = path.relative(API_DIR, path.dirname(file));
        const url = `http://aviary.test/api/${route.replace("[id]", pendingId)}`;
        const response = await mod.GET(new Request(url, { headers: { accept: "application/json" } }), { params: Promise.resolve({ id: pendingId }) });
        answers.push(`${route} ${response.status}`);
        await response.arrayBuffer();
      }
      const deps = getDeps();
      const read = await getRollout(deps, { id: pendingId });
      expect(read.pendingOperation).toMatchObject({ action: "promote", toCanaryWeight: 25 });
      await getRolloutTimeline(deps, { id: pendingId });
    });

    // Every rollout read really ran: a route that failed before reaching its use case proves nothing.
    for (const route of ["rollouts", "rollouts/[id]", "rollouts/[id]/events", "rollouts/[id]/metrics", "rollouts/[id]/traffic", "traffic", "slis", "history"]) {
      expect(answers, answers.join("\n")).toContain(`${route} 200`);
    }
    expect(locks).toEqual([]);
    expect(counts).toEqual({ patches: 0, lockConnections: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it("the witnesses work: an action in the same conditions is seen by each of them", async () => {
    const before = await snapshot();
    counts.lockConnections = 0;
    const locks = await advisoryLocksDuring(async () => {
      expect((await api.act(pendingId, { action: "pause" })).status).toBe(200);
    });
    expect(locks.length).toBeGreaterThan(0);
    expect(counts.lockConnections).toBeGreaterThan(0);
    expect(await snapshot()).not.toEqual(before);
  });
});
