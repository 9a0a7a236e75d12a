import { CustomObjectsApi } from "@kubernetes/client-node";
import { AppError } from "../app-error";
import type { JsonPatchOp, VirtualServiceView } from "../domain/virtual-service-route";
import { kubeConfigFor, parseClusterConfigs, type ClusterConfigs } from "./clusters";
import { classifyKubeError, type KubeFailure } from "./kube-errors";
import { toView } from "./virtual-service-schema";

/**
 * The Kubernetes port Aviary's use cases depend on: read, list and JSON-patch VirtualServices.
 * Only this file talks to clusters. Errors are thrown as KubeError, which says whether a retry
 * can help.
 */
export type VsRef = { cluster: string; namespace: string; name: string };

export type KubePort = {
  readVirtualService(ref: VsRef): Promise<VirtualServiceView>;
  listVirtualServices(ref: { cluster: string; namespace: string }): Promise<VirtualServiceView[]>;
  patchVirtualService(ref: VsRef & { ops: JsonPatchOp[] }): Promise<VirtualServiceView>;
};

export class KubeError extends Error {
  constructor(readonly failure: KubeFailure) {
    super(failure.error.message);
    this.name = "KubeError";
  }
}

const GROUP = "networking.istio.io";
const VERSION = "v1";
const PLURAL = "virtualservices";

export function createKubeAdapter({ configs = parseClusterConfigs(), timeoutMs = 5_000 }: { configs?: ClusterConfigs; timeoutMs?: number } = {}): KubePort {
  const clients = new Map<string, CustomObjectsApi>();
  const api = (cluster: string) => {
    let client = clients.get(cluster);
    if (!client) {
      client = kubeConfigFor(configs, cluster).makeApiClient(CustomObjectsApi);
      clients.set(cluster, client);
    }
    return client;
  };

  async function call<T>(ref: { cluster: string; namespace: string; name: string }, verb: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(fn(), timeoutMs);
    } catch (error) {
      throw new KubeError(classifyKubeError(error, { ...ref, verb }));
    }
  }

  const view = (raw: unknown, ref: VsRef) => {
    const result = toView(raw);
    if ("error" in result) {
      throw new KubeError({ kind: "final", error: new AppError("TARGET_INVALID", `VirtualService ${ref.namespace}/${ref.name} is not shaped as expected: ${result.error}`) });
    }
    return result;
  };

  return {
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
    async patchVirtualService({ ops, ...ref }) {
      // client-node sends custom-object patches as application/json-patch+json by default: the
      // content type whose `test` operations make the write conditional on what we read.
      const raw = await call(ref, "patch", () =>
        api(ref.cluster).patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ref.namespace, plural: PLURAL, name: ref.name, body: ops }),
      );
      return view(raw, ref);
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
