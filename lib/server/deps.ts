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
  kube: KubePort;
  prometheus: PrometheusClient;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Test seam: runs between a successful patch and recording it, to simulate a crash there. */
  afterPatch?: () => void;
};

const adapters = globalThis as unknown as { aviaryKube?: KubePort; aviaryPrometheus?: PrometheusClient };

export function getDeps(): Deps {
  adapters.aviaryKube ??= createKubeAdapter();
  adapters.aviaryPrometheus ??= prometheusFromEnv();
  return { db: getDb(), kube: adapters.aviaryKube, prometheus: adapters.aviaryPrometheus, now: () => new Date(), sleep };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
