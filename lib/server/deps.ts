import { getDb, type Db } from "../db/client";
import { createKubeAdapter, type KubePort } from "../kube/virtual-services";

/**
 * The one place where real adapters are chosen. Use cases take these as arguments, so tests can
 * hand them other instances (a test database, a sandbox cluster) without module mocking.
 */
export type Deps = {
  db: Db;
  kube: KubePort;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Test seam: runs between a successful patch and recording it, to simulate a crash there. */
  afterPatch?: () => void;
};

const globalForKube = globalThis as unknown as { aviaryKube?: KubePort };

export function getDeps(): Deps {
  globalForKube.aviaryKube ??= createKubeAdapter();
  return { db: getDb(), kube: globalForKube.aviaryKube, now: () => new Date(), sleep };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
