import { getAuditReader, type AuditReader } from "../db/audit-reader";
import { getDb, type Db } from "../db/client";
import { createKubeAdapter, type KubePort } from "../kube/virtual-services";
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

// Built per module copy, not shared on globalThis: Next.js may bundle this module more than once
// (pages and route handlers), and an adapter shared across bundles throws error classes that the
// other bundle's `instanceof` checks do not recognise, turning typed errors into 500s.
let kube: KubePort | undefined;
let prometheus: PrometheusClient | undefined;
/** Tests and benchmarks may inject adapters here (e.g. a Prometheus client with a counting fetch). */
const injected = globalThis as unknown as { aviaryKube?: KubePort; aviaryPrometheus?: PrometheusClient };

export function getDeps(): Deps {
  return {
    db: getDb(),
    audit: getAuditReader(),
    kube: injected.aviaryKube ?? (kube ??= createKubeAdapter()),
    prometheus: injected.aviaryPrometheus ?? (prometheus ??= prometheusFromEnv()),
    now: () => new Date(),
    sleep,
  };
}

/** Forget the adapters built from the environment, so the next getDeps() reads it again. */
export function resetDeps(): void {
  kube = undefined;
  prometheus = undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
