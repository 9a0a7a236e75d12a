import { authConfig, type AuthConfig } from "../auth/config";
import { createAuditReader, type AuditReader } from "../db/audit/reader";
import { createDb, type Db } from "../db/client";
import { createRolloutLocks, type RolloutLocks } from "../db/rollout-lock";
import { databaseUrl, parseServerEnv, processEnv } from "../env";
import { createSandboxMesh, type SandboxMesh } from "../mesh/sandbox-mesh";
import { createKubeAdapter, type KubeAdapter, type KubePort } from "../kube/virtual-services";
import type { PrometheusClient } from "../prometheus/client";
import { prometheusFromEnv } from "../prometheus/config";
import { readChainHead } from "../db/audit/chain-reader";
import { createOwnMetrics, type OwnMetrics } from "./own-metrics";
import { parseEgressPolicy, type EgressPolicy } from "../domain/egress/policy";

/**
 * The composition root: the one place where real adapters are chosen and built. Routes, pages and
 * background work call getDeps() and hand the result to use cases, which take it as an argument,
 * so tests can pass other instances (a test database, a sandbox cluster, a test Prometheus, a
 * fixed clock) without module mocking.
 */
export type Deps = {
  db: Db;
  /** Bulk reads of the audit log (listing, history, export, integrity) over node-postgres. */
  audit: AuditReader;
  /** The per-rollout advisory lock that serializes actions across replicas. */
  locks: RolloutLocks;
  kube: KubePort;
  prometheus: PrometheusClient;
  /** The demo's sandbox mesh (AVIARY_SANDBOX_MESH_ADMIN_URL), null everywhere else. */
  sandboxMesh: SandboxMesh | null;
  /** Where checks and webhooks may connect (AVIARY_EGRESS_ALLOW / _DENY over the built-in refusals). */
  egress: EgressPolicy;
  /** The sign-in configuration (re-read only when the environment changes; throws when it is invalid). */
  auth: () => AuthConfig;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Aviary's own metrics (served on /metrics): one registry per process, kept across resetDeps(). */
  metrics: OwnMetrics;
  /** Test seam: runs between a successful patch and recording it, to simulate a crash there. */
  afterPatch?: () => void;
};

/** Adapters a test or benchmark may put in place of the real ones for every getDeps() caller (route handlers included). */
export type DepsOverrides = Partial<Pick<Deps, "kube" | "prometheus" | "locks">>;

type Container = {
  /** The database the pools below point at; a new DATABASE_URL (tests) builds new ones. */
  url?: string;
  db?: Db;
  audit?: AuditReader;
  locks?: RolloutLocks;
  kube?: KubeAdapter;
  prometheus?: PrometheusClient;
  sandboxMesh?: SandboxMesh | null;
  metrics?: OwnMetrics;
  egress?: { key: string; policy: EgressPolicy };
  overrides: DepsOverrides;
};

// One container per process, on globalThis under a process-wide symbol: Next.js loads this module
// into several bundles (pages, route handlers, instrumentation) and all must share one set of
// pools, one watch per cluster and namespace and one Prometheus client. Sharing is safe because the
// errors adapters throw are branded (lib/app-error.ts), so `instanceof` holds in every bundle.
const slot = globalThis as unknown as Record<symbol, Container | undefined>;
const CONTAINER = Symbol.for("aviary.deps");
const container = (): Container => (slot[CONTAINER] ??= { overrides: {} });

function databaseAdapters(c: Container): { db: Db; audit: AuditReader; locks: RolloutLocks } {
  const url = databaseUrl();
  if (c.url !== url || !c.db || !c.audit || !c.locks) {
    closeDatabaseAdapters(c);
    c.url = url;
    c.db = createDb(url);
    c.audit = createAuditReader(url);
    c.locks = createRolloutLocks(url);
  }
  return { db: c.db, audit: c.audit, locks: c.locks };
}

function closeDatabaseAdapters(c: Container): Promise<unknown> {
  const closing = Promise.allSettled([c.db?.$disconnect(), c.audit?.close(), c.locks?.close()]);
  c.url = c.db = c.audit = c.locks = undefined;
  return closing;
}

export function getDeps(): Deps {
  const c = container();
  const { db, audit, locks } = databaseAdapters(c);
  const metrics = (c.metrics ??= createOwnMetrics({
    defaultMetrics: true,
    // At scrape time, from whichever database the container points at then (one indexed row).
    auditHead: async () => (await readChainHead(databaseAdapters(c).audit))?.id ?? null,
    prometheusLoad: () => (c.overrides.prometheus ?? c.prometheus)?.load(),
  }));
  return {
    db,
    audit,
    locks: c.overrides.locks ?? locks,
    kube: c.overrides.kube ?? (c.kube ??= createKubeAdapter({ observe: (call) => metrics.kubeCall(call) })),
    prometheus: c.overrides.prometheus ?? (c.prometheus ??= prometheusFromEnv(undefined, { observe: (call) => metrics.prometheusCall(call) })),
    egress: egressPolicy(c),
    sandboxMesh: c.sandboxMesh === undefined ? (c.sandboxMesh = sandboxMeshFromEnv()) : c.sandboxMesh,
    auth: () => authConfig(),
    now: () => new Date(),
    sleep,
    metrics,
  };
}

/** Puts test or benchmark adapters in place for every caller; `{}` removes them again. */
export function overrideDeps(overrides: DepsOverrides): void {
  container().overrides = overrides;
}

/** Forgets (and closes) the cluster and Prometheus adapters built from the environment, so the next getDeps() reads it again. */
export function resetDeps(): void {
  const c = container();
  void c.kube?.close().catch(() => {});
  c.kube = c.prometheus = undefined;
  c.sandboxMesh = undefined;
}

/** Parsed (and validated, naming the variable) again only when the variables change: tests set them per file. */
function egressPolicy(c: Container): EgressPolicy {
  const raw = processEnv();
  const key = JSON.stringify([raw.AVIARY_EGRESS_ALLOW, raw.AVIARY_EGRESS_DENY]);
  if (c.egress?.key !== key) {
    const { AVIARY_EGRESS_ALLOW: allow, AVIARY_EGRESS_DENY: deny } = parseServerEnv(raw);
    c.egress = { key, policy: parseEgressPolicy({ allow, deny }).policy };
  }
  return c.egress.policy;
}

function sandboxMeshFromEnv(): SandboxMesh | null {
  const url = parseServerEnv().AVIARY_SANDBOX_MESH_ADMIN_URL;
  return url ? createSandboxMesh(url) : null;
}

/** Closes everything the container built (pools, watches), for scripts and benchmarks that end. */
export async function closeDeps(): Promise<void> {
  const c = container();
  resetDeps();
  await closeDatabaseAdapters(c);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
