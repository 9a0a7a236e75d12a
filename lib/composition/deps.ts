import type { AuthConfig } from "../auth/config";
import { createAuditReader, type AuditReader } from "../db/audit/reader";
import { createDb, type Db } from "../db/client";
import { createRolloutLocks, type RolloutLocks } from "../db/rollout-lock";
import { createSandboxMesh, type SandboxMesh } from "../mesh/sandbox-mesh";
import { createKubeAdapter, type KubeAdapter, type KubePort } from "../kube/virtual-services";
import { createPrometheusClient, type PrometheusClient } from "../prometheus/client";
import { readChainHead } from "../db/audit/chain-reader";
import { createOwnMetrics, type OwnMetrics } from "../metrics/own-metrics";
import type { EgressPolicy } from "../domain/egress/policy";
import { loadConfig, type AppConfig } from "./app-config";

/**
 * The composition root: the one place where real adapters are chosen and built. Routes, pages and
 * background work call getDeps() and hand the result to use cases, which take it as an argument,
 * so tests can pass other instances (a test database, a sandbox cluster, a test Prometheus, a
 * fixed clock) without module mocking.
 */
export type Deps = {
  /** The configuration everything here was built from, parsed once (./app-config.ts). */
  config: AppConfig;
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
  /** The sign-in configuration (config.auth: parsed once; throws, naming the variable, when it is invalid). */
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
  /** What the adapters below are built from; `configured` when a test or script set it, not the environment. */
  config?: { value: AppConfig; configured: boolean };
  /** The database the pools below point at; another one (tests) builds new ones. */
  url?: string;
  db?: Db;
  audit?: AuditReader;
  locks?: RolloutLocks;
  /** Each adapter remembers the section it was built from, so configuring another one rebuilds it. */
  kube?: { from: AppConfig["clusters"]; adapter: KubeAdapter };
  prometheus?: { from: AppConfig["prometheus"]; client: PrometheusClient };
  sandboxMesh?: { from: AppConfig["server"]; mesh: SandboxMesh | null };
  metrics?: OwnMetrics;
  overrides: DepsOverrides;
};

// One container per process, on globalThis under a process-wide symbol: Next.js loads this module
// into several bundles (pages, route handlers, instrumentation, the proxy) and all must share one
// configuration, one set of pools, one watch per cluster and namespace and one Prometheus client.
// Sharing is safe because the errors adapters throw are branded (lib/app-error.ts), so
// `instanceof` holds in every bundle.
const slot = globalThis as unknown as Record<symbol, Container | undefined>;
const CONTAINER = Symbol.for("aviary.deps");
const container = (): Container => (slot[CONTAINER] ??= { overrides: {} });

/**
 * The process's configuration: the environment's, parsed on first use and kept, unless a test or
 * script configured another. Builds no adapter, so the proxy reads sign-in from it even when the
 * database settings are broken.
 */
export function getConfig(): AppConfig {
  const c = container();
  return (c.config ??= { value: loadConfig(), configured: false }).value;
}

/**
 * Replaces sections of the configuration for every getDeps() caller (route handlers included):
 * tests configure their database, cluster, Prometheus or sign-in here instead of in process.env.
 * Adapters built from a replaced section are rebuilt on the next getDeps().
 */
export function configureDeps(sections: Partial<AppConfig>): void {
  const c = container();
  c.config = { value: { ...getConfig(), ...sections }, configured: true };
}

function databaseAdapters(c: Container, config: AppConfig): { db: Db; audit: AuditReader; locks: RolloutLocks } {
  const url = config.databaseUrl();
  if (c.url !== url || !c.db || !c.audit || !c.locks) {
    void closeDatabaseAdapters(c);
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
  const config = getConfig();
  const { db, audit, locks } = databaseAdapters(c, config);
  const metrics = (c.metrics ??= createOwnMetrics({
    defaultMetrics: true,
    // At scrape time, from whichever database the container points at then (one indexed row).
    auditHead: async () => (await readChainHead(databaseAdapters(c, getConfig()).audit))?.id ?? null,
    prometheusLoad: () => (c.overrides.prometheus ?? c.prometheus?.client)?.load(),
  }));
  return {
    config,
    db,
    audit,
    locks: c.overrides.locks ?? locks,
    kube: c.overrides.kube ?? kubeAdapter(c, config, metrics),
    prometheus: c.overrides.prometheus ?? prometheusClient(c, config, metrics),
    egress: config.egress(),
    sandboxMesh: sandboxMesh(c, config),
    auth: config.auth,
    now: () => new Date(),
    sleep,
    metrics,
  };
}

function kubeAdapter(c: Container, config: AppConfig, metrics: OwnMetrics): KubeAdapter {
  if (c.kube?.from !== config.clusters) {
    void c.kube?.adapter.close().catch(() => {});
    const adapter = createKubeAdapter({ configs: config.clusters(), observe: (call) => metrics.kubeCall(call) });
    c.kube = { from: config.clusters, adapter };
  }
  return c.kube.adapter;
}

function prometheusClient(c: Container, config: AppConfig, metrics: OwnMetrics): PrometheusClient {
  if (c.prometheus?.from !== config.prometheus) {
    const client = createPrometheusClient({ ...config.prometheus(), observe: (call) => metrics.prometheusCall(call) });
    c.prometheus = { from: config.prometheus, client };
  }
  return c.prometheus.client;
}

function sandboxMesh(c: Container, config: AppConfig): SandboxMesh | null {
  if (c.sandboxMesh?.from !== config.server) {
    const url = config.server().AVIARY_SANDBOX_MESH_ADMIN_URL;
    c.sandboxMesh = { from: config.server, mesh: url ? createSandboxMesh(url) : null };
  }
  return c.sandboxMesh.mesh;
}

/** Puts test or benchmark adapters in place for every caller; `{}` removes them again. */
export function overrideDeps(overrides: DepsOverrides): void {
  container().overrides = overrides;
}

/**
 * Forgets (and closes) the cluster and Prometheus adapters, and a configuration read from the
 * environment (not one a test configured), so the next getDeps() reads the environment again:
 * benchmarks and scripts that point it elsewhere call this.
 */
export function resetDeps(): void {
  const c = container();
  void c.kube?.adapter.close().catch(() => {});
  c.kube = c.prometheus = c.sandboxMesh = undefined;
  if (!c.config?.configured) c.config = undefined;
}

/** Closes everything the container built (pools, watches) and forgets its configuration, for scripts and benchmarks that end. */
export async function closeDeps(): Promise<void> {
  const c = container();
  resetDeps();
  c.config = undefined;
  await closeDatabaseAdapters(c);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
