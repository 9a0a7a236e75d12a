// In-process access to the double's objects for tests and seeding. Writes go
// through the same validation as the HTTP API (so a seed cannot contain what a
// cluster would reject) but skip auth and the resourceVersion precondition,
// which is how an "external actor" (kubectl edit, another controller) looks.
import type { MemoryStore } from "./memory-store";
import { decodeObject } from "./object-meta";
import { inVersion, type Registry } from "./registry";
import type { Resources } from "./resources";
import { badRequest } from "./status";
import { clone, isJsonObject, type KubeObject, type ResourceType } from "./types";

export type SandboxStore = {
  get(resource: string, namespace: string, name: string): KubeObject | undefined;
  list(resource?: string, namespace?: string): KubeObject[];
  /** Create or overwrite (validated; bumps resourceVersion unless nothing changed). */
  put(object: unknown): KubeObject;
  /** Read-modify-write of one object, like `kubectl edit`. */
  update(resource: string, namespace: string, name: string, mutate: (obj: KubeObject) => void): KubeObject;
  delete(resource: string, namespace: string, name: string): boolean;
  /** Creates the objects; existing ones are kept unless overwrite is set. */
  seed(objects: unknown[], options?: { overwrite?: boolean }): KubeObject[];
  dump(): { resourceVersion: string; items: KubeObject[] };
  resourceVersion(): string;
  reset(): void;
};

export function createSandboxStore(registry: Registry, storage: MemoryStore, resources: Resources): SandboxStore {
  const resourceOf = (plural: string): ResourceType => {
    const res = resources.byPlural(plural);
    if (!res) throw new Error(`unknown resource ${plural}`);
    return res;
  };
  const put = (object: unknown): KubeObject => {
    if (!isJsonObject(object)) throw badRequest("object must be a JSON object");
    const apiVersion = String(object.apiVersion ?? "");
    const res = resources.byKind(apiVersion, String(object.kind ?? ""));
    if (!res) throw badRequest(`no resource for ${apiVersion}, Kind=${String(object.kind ?? "")}`);
    const version = apiVersion.split("/")[1] ?? res.storageVersion;
    const obj = decodeObject(res, version, object);
    const namespace = obj.metadata.namespace || "default";
    const old = storage.get(res.plural, namespace, obj.metadata.name);
    if (!old) {
      delete obj.metadata.resourceVersion;
      return registry.create(res, version, namespace, obj, { manager: "kubectl-create" }).object;
    }
    obj.metadata.namespace = namespace;
    obj.metadata.resourceVersion = old.metadata.resourceVersion ?? "";
    delete obj.metadata.uid;
    return registry.commitUpdate(res, version, old, obj, { manager: "kubectl-replace" }).object;
  };
  return {
    get: (resource, namespace, name) => storage.get(resourceOf(resource).plural, namespace, name),
    list: (resource, namespace) => storage.list(resource && resourceOf(resource).plural, namespace).map((e) => e.object),
    put,
    update(resource, namespace, name, mutate) {
      const res = resourceOf(resource);
      const current = registry.get(res, res.storageVersion, namespace, name);
      const next = clone(current);
      mutate(next);
      next.metadata.resourceVersion = current.metadata.resourceVersion ?? "";
      return registry.commitUpdate(res, res.storageVersion, current, next, { manager: "kubectl-edit" }).object;
    },
    delete(resource, namespace, name) {
      return storage.remove(resourceOf(resource).plural, namespace, name) !== undefined;
    },
    seed(objects, options = {}) {
      return objects.flatMap((o) => {
        const m = isJsonObject(o) && isJsonObject(o.metadata) ? o.metadata : {};
        const res = isJsonObject(o) ? resources.byKind(String(o.apiVersion ?? ""), String(o.kind ?? "")) : undefined;
        const existing = res && storage.get(res.plural, String(m.namespace ?? "default"), String(m.name ?? ""));
        if (existing && !options.overwrite) return [inVersion(existing, res, res.storageVersion)];
        return [put(o)];
      });
    },
    dump: () => ({ resourceVersion: storage.revisionString, items: storage.list().map((e) => e.object) }),
    resourceVersion: () => storage.revisionString,
    reset: () => storage.clear(),
  };
}
