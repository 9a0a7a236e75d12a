import { CustomObjectsApi, type KubeConfig, type KubernetesListObject, type KubernetesObject } from "@kubernetes/client-node";
import { AdapterError, AppError } from "../app-error";
import type { JsonPatchOp, VirtualServiceView } from "../domain/virtual-service-route";
import { kubeConfigFor, parseClusterConfigs, type ClusterConfigs } from "./clusters";
import { classifyKubeError, type KubeFailure } from "./kube-errors";
import { toView } from "./virtual-service-schema";
import { DEFAULT_WATCH_CACHE, NamespaceWatchCache, type Freshness, type WatchCacheOptions } from "./watch-cache";
import { withTimeout } from "../with-timeout";

export type { Freshness } from "./watch-cache";

/**
 * The Kubernetes port Aviary's use cases depend on: read, list and JSON-patch VirtualServices.
 * Only this file talks to clusters. Errors are thrown as KubeError, which says whether a retry
 * can help. The *Cached reads serve pages from one watch per cluster and namespace (see
 * watch-cache.ts) and say how current they are; actions read fresh before they write.
 */
export type VsRef = { cluster: string; namespace: string; name: string };

export type KubePort = {
  readVirtualService(ref: VsRef): Promise<VirtualServiceView>;
  listVirtualServices(ref: { cluster: string; namespace: string }): Promise<VirtualServiceView[]>;
  /** `dryRun`: the API server runs schema, admission and RBAC and stores nothing (`dryRun=All`). */
  patchVirtualService(ref: VsRef & { ops: JsonPatchOp[]; dryRun?: boolean }): Promise<VirtualServiceView>;
  readVirtualServiceCached(ref: VsRef): Promise<{ vs: VirtualServiceView; freshness: Freshness }>;
  listVirtualServicesCached(ref: { cluster: string; namespace: string }): Promise<{ items: VirtualServiceView[]; freshness: Freshness }>;
};

/** The adapter owns its watches: close() stops them (tests, shutdown). */
export type KubeAdapter = KubePort & { close(): Promise<void> };

/**
 * A failed cluster call: the AppError it means (code, message) plus whether a retry can help.
 * Branded (lib/app-error.ts), so `instanceof KubeError` holds whichever bundle built the adapter.
 */
export class KubeError extends AdapterError {
  static override readonly brand = "KubeError";

  constructor(readonly failure: KubeFailure) {
    super(failure.error.code, failure.error.message, { cause: failure.error, fields: failure.error.fields });
    this.name = "KubeError";
  }
}

const GROUP = "networking.istio.io";
const VERSION = "v1";
const PLURAL = "virtualservices";

/** One finished call to an API server, for Aviary's own metrics: Kubernetes verb, and "ok" or the failure's kind. */
/** The field manager Aviary's writes carry (`metadata.managedFields[].manager`). */
export const FIELD_MANAGER = "aviary";

export type KubeCallObserver = (call: { cluster: string; verb: "get" | "list" | "patch"; outcome: "ok" | KubeFailure["kind"]; seconds: number }) => void;

type AdapterOptions = { configs?: ClusterConfigs; timeoutMs?: number; watchCache?: Partial<WatchCacheOptions>; observe?: KubeCallObserver };

export function createKubeAdapter({ configs = parseClusterConfigs(), timeoutMs = 5_000, watchCache = {}, observe }: AdapterOptions = {}): KubeAdapter {
  const clusters = new Map<string, { kc: KubeConfig; client: CustomObjectsApi }>();
  const connect = (cluster: string) => {
    let found = clusters.get(cluster);
    if (!found) {
      const kc = kubeConfigFor(configs, cluster);
      found = { kc, client: kc.makeApiClient(CustomObjectsApi) };
      clusters.set(cluster, found);
    }
    return found;
  };
  const api = (cluster: string) => connect(cluster).client;

  // Metrics label clusters by their configured names only (a bounded set).
  const observed = (cluster: string, verb: "get" | "list" | "patch", startedAt: number, outcome: "ok" | KubeFailure["kind"]) =>
    observe?.({ cluster: Object.hasOwn(configs, cluster) ? cluster : "unconfigured", verb, outcome, seconds: (performance.now() - startedAt) / 1000 });

  async function call<T>(ref: { cluster: string; namespace: string; name: string }, verb: "read" | "list" | "patch", fn: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    try {
      const result = await withTimeout(fn(), timeoutMs);
      observed(ref.cluster, verb === "read" ? "get" : verb, startedAt, "ok");
      return result;
    } catch (error) {
      const failure = classifyKubeError(error, { ...ref, verb });
      observed(ref.cluster, verb === "read" ? "get" : verb, startedAt, failure.kind);
      throw new KubeError(failure);
    }
  }

  const view = (raw: unknown, ref: VsRef) => {
    const result = toView(raw);
    if ("error" in result) {
      throw new KubeError({
        kind: "final",
        error: new AppError("TARGET_INVALID", `VirtualService ${ref.namespace}/${ref.name} is not shaped as expected: ${result.error}`),
      });
    }
    return result;
  };

  // One cache per cluster and namespace, created on its first read and kept for the process.
  const caches = new Map<string, NamespaceWatchCache>();
  const cacheOptions = { ...DEFAULT_WATCH_CACHE, ...watchCache };
  const cacheFor = (cluster: string, namespace: string): NamespaceWatchCache | undefined => {
    const key = JSON.stringify([cluster, namespace]);
    let cache = caches.get(key);
    if (cache) return cache;
    let kc: KubeConfig;
    try {
      kc = connect(cluster).kc;
    } catch {
      return undefined; // the direct read reports why
    }
    const path = `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(namespace)}/${PLURAL}`;
    const list = async () => {
      const startedAt = performance.now();
      try {
        const result = await withTimeout(api(cluster).listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL }), timeoutMs);
        observed(cluster, "list", startedAt, "ok");
        return result as KubernetesListObject<KubernetesObject>;
      } catch (error) {
        observed(cluster, "list", startedAt, classifyKubeError(error, { cluster, namespace, name: "*", verb: "list" }).kind);
        throw error;
      }
    };
    cache = new NamespaceWatchCache(kc, { cluster, namespace, path }, list, cacheOptions);
    caches.set(key, cache);
    cache.start();
    return cache;
  };
  const directly = (note: string): Freshness => ({ source: "direct", syncedAt: new Date(cacheOptions.now()).toISOString(), note });
  const fromWatch = (syncedAt: Date): Freshness => ({ source: "watch", syncedAt: syncedAt.toISOString() });

  const port: KubePort = {
    async readVirtualService(ref) {
      const raw = await call(ref, "read", () =>
        api(ref.cluster).getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ref.namespace, plural: PLURAL, name: ref.name }),
      );
      return view(raw, ref);
    },
    async listVirtualServices({ cluster, namespace }) {
      const raw = (await call({ cluster, namespace, name: "*" }, "list", () =>
        api(cluster).listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL }),
      )) as { items?: unknown[] };
      return (raw.items ?? []).flatMap((item) => {
        const result = toView(item);
        return "error" in result ? [] : [result];
      });
    },
    async patchVirtualService({ ops, dryRun = false, ...ref }) {
      // client-node sends custom-object patches as application/json-patch+json by default: the
      // content type whose `test` operations make the write conditional on what we read.
      // fieldManager names Aviary in the object's managedFields, so whoever rewrites the weights
      // afterwards (a GitOps sync, kubectl) is named there too.
      const raw = await call(ref, "patch", () =>
        api(ref.cluster).patchNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: ref.namespace,
          plural: PLURAL,
          name: ref.name,
          body: ops,
          fieldManager: FIELD_MANAGER,
          ...(dryRun && { dryRun: "All" }),
        }),
      );
      const result = view(raw, ref);
      if (!dryRun) caches.get(JSON.stringify([ref.cluster, ref.namespace]))?.noteWritten(raw as KubernetesObject);
      return result;
    },
    async readVirtualServiceCached(ref) {
      const served = cacheFor(ref.cluster, ref.namespace)?.get(ref.name) ?? { use: "direct", note: "no watch cache for this cluster" };
      if (served.use === "direct") return { vs: await port.readVirtualService(ref), freshness: directly(served.note) };
      if (!served.value) {
        const target = `VirtualService ${ref.namespace}/${ref.name} in cluster "${ref.cluster}"`;
        throw new KubeError({ kind: "final", error: new AppError("TARGET_INVALID", `${target} does not exist`) });
      }
      return { vs: view(served.value, ref), freshness: fromWatch(served.syncedAt) };
    },
    async listVirtualServicesCached({ cluster, namespace }) {
      const served = cacheFor(cluster, namespace)?.list() ?? { use: "direct", note: "no watch cache for this cluster" };
      if (served.use === "direct") return { items: await port.listVirtualServices({ cluster, namespace }), freshness: directly(served.note) };
      const items = served.value.flatMap((item) => {
        const result = toView(item);
        return "error" in result ? [] : [result];
      });
      return { items, freshness: fromWatch(served.syncedAt) };
    },
  };
  return {
    ...port,
    async close() {
      const all = [...caches.values()];
      caches.clear();
      await Promise.all(all.map((c) => c.close()));
    },
  };
}
