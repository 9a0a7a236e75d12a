import { getAuditReader, type AuditReader } from "../db/audit/reader";
import { getDb, type Db } from "../db/client";
import { createKubeAdapter, type KubeAdapter, type KubePort } from "../kube/virtual-services";
import type { PrometheusClient } from "../prometheus/client";
import { prometheusFromEnv } from "../prometheus/config";

/**
 * The one place where real adapters are chosen. Use cases take these as arguments, so tests can
 * hand them other instances (a test database, a sandbox cluster, a test Prometheus) without
 * module mocking.
 */
export type Deps = {
  db: Db;
  /** Bulk reads of the audit log (listing, history, export, integrity) over node-postgres. */
  audit: AuditReader;
  kube: KubePort;
  prometheus: PrometheusClient;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Test seam: runs between a successful patch and recording it, to simulate a crash there. */
  afterPatch?: () => void;
};

// One set of adapters per process, shared by every Next.js bundle that loads this module (pages,
// route handlers, instrumentation): one watch per cluster and namespace, one Prometheus client.
// Sharing is safe because the errors they throw are branded (lib/app-error.ts), so `instanceof`
// holds in every bundle.
type Built = { kube?: KubeAdapter; prometheus?: PrometheusClient };
const slot = globalThis as unknown as Record<symbol, Built | undefined>;
const BUILT = Symbol.for("aviary.adapters");
const built = (): Built => (slot[BUILT] ??= {});
/** Tests and benchmarks may inject adapters here (e.g. a Prometheus client with a counting fetch). */
const injected = globalThis as unknown as { aviaryKube?: KubePort; aviaryPrometheus?: PrometheusClient };

export function getDeps(): Deps {
  const adapters = built();
  return {
    db: getDb(),
    audit: getAuditReader(),
    kube: injected.aviaryKube ?? (adapters.kube ??= createKubeAdapter()),
    prometheus: injected.aviaryPrometheus ?? (adapters.prometheus ??= prometheusFromEnv()),
    now: () => new Date(),
    sleep,
  };
}

/** Forget (and close) the adapters built from the environment, so the next getDeps() reads it again. */
export function resetDeps(): void {
  const adapters = built();
  void adapters.kube?.close().catch(() => {});
  slot[BUILT] = {};
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
