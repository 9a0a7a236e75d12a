// kube-apiserver's generic registry semantics for custom resources: get, list,
// create, update, delete with optimistic concurrency, dry-run and validation.
// Synchronous on purpose: each operation is atomic in Node's event loop.
import { admit, type FieldValidation } from "./admission";
import { deepEqual } from "./json-patch";
import { updateManagedFields } from "./managed-fields";
import type { MemoryStore } from "./memory-store";
import { checkName, checkNamespace, decodeObject, prepareForCreate, prepareForUpdate } from "./object-meta";
import { parseFieldSelector, parseLabelSelector } from "./selectors";
import { alreadyExists, conflict, deleted, failure, invalid, notFound } from "./status";
import { clone, isJsonObject, type JsonObject, type KubeObject, type ResourceType } from "./types";

export type WriteOptions = {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  /** Who writes, for managedFields (the HTTP layer resolves ?fieldManager= and the User-Agent). */
  manager?: string;
  /** The write is a PATCH (a Strict decoding error is then reported on the field "patch"). */
  patch?: boolean;
  /** An Apply's configuration: its manager then owns exactly those fields. */
  applied?: JsonObject;
};
export type WriteResult = { object: KubeObject; created: boolean; warnings: string[] };
export type ListQuery = { labelSelector?: string | null; fieldSelector?: string | null; limit?: string | null; continue?: string | null };

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
      .filter((o) => byLabel(o) && byField(o))
      .sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
    const page = paginate(items, query, this.storage.revisionString);
    return {
      apiVersion: `${res.group}/${version}`,
      items: page.items as unknown as JsonObject[],
      kind: res.listKind,
      metadata: page.metadata,
    };
  }

  create(res: ResourceType, version: string, namespace: string, body: unknown, opts: WriteOptions = {}): WriteResult {
    const obj = decodeObject(res, version, body);
    checkNamespace(obj, namespace);
    if (obj.metadata.resourceVersion) {
      // etcd3 store behaviour: a bare 500 (no reason, no details), not a validation error.
      throw failure(500, "", "resourceVersion should not be set on objects to be created");
    }
    if (!obj.metadata.name && !obj.metadata.generateName) {
      throw invalid(res, "", [{ reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name" }]);
    }
    prepareForCreate(obj);
    const warnings = admit(res, version, obj, opts.fieldValidation ?? "Warn");
    dropEmptyMaps(obj);
    obj.metadata.managedFields = managedFields(undefined, obj, opts);
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
      // Rendered with the resource's plural, not its kind, unlike a schema error.
      const message = "Invalid value: 0: must be specified for an update";
      throw failure(422, "Invalid", `${res.plural}.${res.group} "${name}" is invalid: metadata.resourceVersion: ${message}`, {
        name,
        group: res.group,
        kind: res.plural,
        causes: [{ reason: "FieldValueInvalid", message, field: "metadata.resourceVersion" }],
      });
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
    const warnings = admit(res, version, result, opts.fieldValidation ?? "Warn", opts.patch);
    dropEmptyMaps(result);
    result.metadata.managedFields = managedFields(old, result, opts);
    const stored = inVersion(result, res, res.storageVersion);
    // A no-op update is not a write: the real apiserver keeps resourceVersion unchanged.
    if (deepEqual(stored, old) || opts.dryRun) return { object: inVersion(stored, res, version), created: false, warnings };
    return { object: inVersion(this.storage.write(res.plural, stored), res, version), created: false, warnings };
  }

  /** Answers the Status a custom resource's DELETE returns (the object itself is not sent back). */
  delete(res: ResourceType, version: string, ns: string, name: string, options: unknown, dryRun = false): JsonObject {
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
    return deleted(res, name, old.metadata.uid ?? "");
  }
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * limit/continue as kube-apiserver pages a list: items in key order, a continue token shaped like
 * the real one (base64 JSON naming the next key), remainingItemCount on every page but the last.
 * Unlike etcd, later pages are read from the current state, not a snapshot at the token's revision.
 */
function paginate(items: KubeObject[], query: ListQuery, revision: string): { items: KubeObject[]; metadata: JsonObject } {
  let start = 0;
  let rv = revision;
  if (query.continue) {
    let token: unknown;
    try {
      token = JSON.parse(Buffer.from(query.continue, "base64url").toString("utf8"));
    } catch (err) {
      throw failure(400, "BadRequest", `invalid continue token: continue key is not valid: ${(err as Error).message}`);
    }
    const t = token as { v?: unknown; rv?: unknown; start?: unknown } | null;
    if (!isJsonObject(t) || t.v !== "meta.k8s.io/v1" || typeof t.start !== "string") {
      throw failure(400, "BadRequest", "invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    }
    const from = t.start;
    start = items.findIndex((o) => compareKeys(keyOf(o), from) >= 0);
    if (start < 0) start = items.length;
    if (typeof t.rv === "number") rv = String(t.rv);
  }
  const limit = Number(query.limit ?? 0);
  const rest = items.slice(start);
  if (!Number.isInteger(limit) || limit <= 0 || rest.length <= limit) return { items: rest, metadata: { continue: "", resourceVersion: rv } };
  const last = rest[limit - 1]!;
  const token = Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: Number(rv), start: `${keyOf(last)}\u0000` })).toString("base64url");
  return { items: rest.slice(0, limit), metadata: { continue: token, remainingItemCount: rest.length - limit, resourceVersion: rv } };
}

function managedFields(old: KubeObject | undefined, next: KubeObject, opts: WriteOptions): JsonObject[] {
  const operation = opts.applied ? "Apply" : "Update";
  return updateManagedFields(old, next, opts.manager ?? "unknown", operation, opts.applied) as unknown as JsonObject[];
}

/** Empty labels and annotations are not kept (ObjectMeta's omitempty), as on a real server. */
function dropEmptyMaps(obj: KubeObject): void {
  for (const field of ["labels", "annotations"] as const) {
    const map = obj.metadata[field];
    if (isJsonObject(map) && Object.keys(map).length === 0) delete obj.metadata[field];
  }
}

/** All served versions share one schema shape, so conversion is just the apiVersion. */
export function inVersion(obj: KubeObject, res: ResourceType, version: string): KubeObject {
  const out = clone(obj);
  out.apiVersion = `${res.group}/${version}`;
  return out;
}
