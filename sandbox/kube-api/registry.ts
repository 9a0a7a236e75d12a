// kube-apiserver's generic registry semantics for custom resources: get, list,
// create, update, delete with optimistic concurrency, dry-run and validation.
// Synchronous on purpose: each operation is atomic in Node's event loop.
import { admit, type FieldValidation } from "./admission";
import { deepEqual } from "./json-patch";
import type { MemoryStore } from "./memory-store";
import { checkName, checkNamespace, decodeObject, prepareForCreate, prepareForUpdate } from "./object-meta";
import { parseFieldSelector, parseLabelSelector } from "./selectors";
import { alreadyExists, conflict, internalError, invalid, notFound } from "./status";
import { clone, isJsonObject, type JsonObject, type KubeObject, type ResourceType } from "./types";

export type WriteOptions = { dryRun?: boolean; fieldValidation?: FieldValidation };
export type WriteResult = { object: KubeObject; created: boolean; warnings: string[] };
export type ListQuery = { labelSelector?: string | null; fieldSelector?: string | null };

export class Registry {
  constructor(readonly storage: MemoryStore) {}

  get(res: ResourceType, version: string, namespace: string, name: string): KubeObject {
    const obj = this.storage.get(res.plural, namespace, name);
    if (!obj) throw notFound(res, name);
    return inVersion(obj, res, version);
  }

  list(res: ResourceType, version: string, namespace: string | undefined, query: ListQuery = {}): JsonObject {
    const byLabel = parseLabelSelector(query.labelSelector ?? null);
    const byField = parseFieldSelector(query.fieldSelector ?? null);
    const items = this.storage
      .list(res.plural, namespace)
      .map((e) => inVersion(e.object, res, version))
      .filter((o) => byLabel(o) && byField(o));
    return {
      apiVersion: `${res.group}/${version}`,
      items: items as unknown as JsonObject[],
      kind: res.listKind,
      metadata: { continue: "", resourceVersion: this.storage.revisionString },
    };
  }

  create(res: ResourceType, version: string, namespace: string, body: unknown, opts: WriteOptions = {}): WriteResult {
    const obj = decodeObject(res, version, body);
    checkNamespace(obj, namespace);
    if (obj.metadata.resourceVersion) {
      // etcd3 store behaviour: this surfaces as a 500, not a validation error.
      throw internalError("resourceVersion should not be set on objects to be created");
    }
    if (!obj.metadata.name && !obj.metadata.generateName) {
      throw invalid(res, "", [{ reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name" }]);
    }
    prepareForCreate(obj);
    const warnings = admit(res, version, obj, opts.fieldValidation ?? "Warn");
    if (this.storage.get(res.plural, namespace, obj.metadata.name)) throw alreadyExists(res, obj.metadata.name);
    if (opts.dryRun) return { object: obj, created: true, warnings };
    const stored = this.storage.write(res.plural, inVersion(obj, res, res.storageVersion));
    return { object: inVersion(stored, res, version), created: true, warnings };
  }

  /** PUT: custom resources require metadata.resourceVersion (no unconditional update, no create-on-update). */
  replace(res: ResourceType, version: string, ns: string, name: string, body: unknown, opts: WriteOptions = {}, statusOnly = false): WriteResult {
    const next = decodeObject(res, version, body);
    checkNamespace(next, ns);
    checkName(next, name);
    const old = this.storage.get(res.plural, ns, name);
    if (!old) throw notFound(res, name);
    if (!next.metadata.resourceVersion) {
      throw invalid(res, name, [
        { reason: "FieldValueInvalid", message: "Invalid value: 0x0: must be specified for an update", field: "metadata.resourceVersion" },
      ]);
    }
    return this.commitUpdate(res, version, old, next, opts, statusOnly);
  }

  /** Shared by PUT and PATCH: preconditions, validation, no-op detection, write. */
  commitUpdate(res: ResourceType, version: string, old: KubeObject, next: KubeObject, opts: WriteOptions, statusOnly = false): WriteResult {
    const name = old.metadata.name;
    const rv = next.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(res, name);
    const uid = next.metadata.uid;
    if (uid && uid !== old.metadata.uid) {
      throw conflict(res, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${old.metadata.uid ?? ""}`);
    }
    const result = prepareForUpdate(old, next, statusOnly);
    const warnings = admit(res, version, result, opts.fieldValidation ?? "Warn");
    const stored = inVersion(result, res, res.storageVersion);
    // A no-op update is not a write: the real apiserver keeps resourceVersion unchanged.
    if (deepEqual(stored, old) || opts.dryRun) return { object: inVersion(stored, res, version), created: false, warnings };
    return { object: inVersion(this.storage.write(res.plural, stored), res, version), created: false, warnings };
  }

  delete(res: ResourceType, version: string, ns: string, name: string, options: unknown, dryRun = false): KubeObject {
    const old = this.storage.get(res.plural, ns, name);
    if (!old) throw notFound(res, name);
    const pre = isJsonObject(options) && isJsonObject(options.preconditions) ? options.preconditions : {};
    const checks = [
      ["ResourceVersion", pre.resourceVersion, old.metadata.resourceVersion],
      ["UID", pre.uid, old.metadata.uid],
    ] as const;
    for (const [label, wanted, actual] of checks) {
      if (typeof wanted === "string" && wanted !== actual) {
        throw conflict(res, name, `Precondition failed: ${label} in precondition: ${wanted}, ${label} in object meta: ${actual ?? ""}`);
      }
    }
    if (!dryRun) this.storage.remove(res.plural, ns, name);
    return inVersion(old, res, version);
  }
}

/** All served versions share one schema shape, so conversion is just the apiVersion. */
export function inVersion(obj: KubeObject, res: ResourceType, version: string): KubeObject {
  const out = clone(obj);
  out.apiVersion = `${res.group}/${version}`;
  return out;
}
