// metadata.managedFields as kube-apiserver's field manager (structured-merge-diff) keeps them for
// Update and Apply operations, checked against the real server (test/kube-contract). Each write
// names a manager (?fieldManager=, else the User-Agent up to its first "/", else "unknown"); the
// fields it adds or changes move to it from every other manager, removed fields leave everyone.
// Lists are atomic (a CRD's default and Istio's), so a changed list is owned whole; objects and
// maps are granular. Not modelled: apply conflicts (409) and `force`, subresources, and
// managedFields sent by a client (they are ignored; the live ones are kept).
import { deepEqual } from "./json-patch";
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from "./types";

export type ManagedFieldsEntry = {
  apiVersion: string;
  fieldsType: "FieldsV1";
  fieldsV1: JsonObject;
  manager: string;
  operation: "Update" | "Apply";
  time: string;
};

const SEP = "\u0000";
type Paths = Map<string, JsonValue>;

/** Every field path of the object a manager can own, with its value (metadata: labels and annotations only). */
function paths(obj: JsonObject): Paths {
  const out: Paths = new Map();
  const walk = (value: JsonValue, prefix: string) => {
    out.set(prefix, value);
    if (isJsonObject(value)) for (const [key, child] of Object.entries(value)) walk(child, `${prefix}${SEP}${key}`);
  };
  for (const [key, value] of Object.entries(obj)) {
    if (key === "apiVersion" || key === "kind" || key === "status") continue;
    if (key === "metadata") {
      if (!isJsonObject(value)) continue;
      for (const field of ["labels", "annotations"]) {
        const map = value[field];
        if (map !== undefined) walk(map, `metadata${SEP}${field}`);
      }
      continue;
    }
    walk(value, key);
  }
  return out;
}

/** A set of paths as FieldsV1: `f:<key>` per level, `.` where a node with children is itself owned. */
function toFieldsV1(owned: Set<string>): JsonObject {
  const root: JsonObject = {};
  for (const path of [...owned].sort()) {
    let node = root;
    for (const key of path.split(SEP)) {
      const next = (node[`f:${key}`] ??= {}) as JsonObject;
      node = next;
    }
  }
  const mark = (node: JsonObject, prefix: string) => {
    for (const [key, child] of Object.entries(node)) {
      if (key === "." || !isJsonObject(child)) continue;
      const path = prefix ? `${prefix}${SEP}${key.slice(2)}` : key.slice(2);
      const hasChildren = Object.keys(child).length > 0;
      mark(child, path);
      if (hasChildren && owned.has(path)) node[key] = { ".": {}, ...child };
    }
  };
  mark(root, "");
  return root;
}

function fromFieldsV1(fields: JsonValue, prefix = ""): Set<string> {
  const out = new Set<string>();
  if (!isJsonObject(fields)) return out;
  for (const [key, child] of Object.entries(fields)) {
    if (key === ".") {
      if (prefix) out.add(prefix);
      continue;
    }
    const path = prefix ? `${prefix}${SEP}${key.slice(2)}` : key.slice(2);
    const inner = fromFieldsV1(child, path);
    if (inner.size === 0) out.add(path);
    for (const p of inner) out.add(p);
  }
  return out;
}

/** The manager kube-apiserver records when the request names none. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? "").split("/")[0]?.trim() ?? "";
  return prefix || "unknown";
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * The managedFields of `next` after `manager` wrote it over `old` (undefined: a create). `applied`
 * is the configuration of an Apply, whose fields the manager then owns exactly.
 */
export function updateManagedFields(
  old: KubeObject | undefined,
  next: KubeObject,
  manager: string,
  operation: "Update" | "Apply" = "Update",
  applied?: JsonObject,
): ManagedFieldsEntry[] {
  const before = old ? paths(old as unknown as JsonObject) : new Map<string, JsonValue>();
  const after = paths(next as unknown as JsonObject);
  const changed = new Set<string>();
  for (const [path, value] of after) {
    if (!before.has(path)) changed.add(path);
    else if (!isJsonObject(value) && !deepEqual(before.get(path), value)) changed.add(path);
  }
  const removed = new Set([...before.keys()].filter((path) => !after.has(path)));
  const previous = (old?.metadata.managedFields ?? []) as unknown as ManagedFieldsEntry[];
  const entries = previous.map((entry) => ({ entry, owned: fromFieldsV1(entry.fieldsV1) }));
  const mine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === operation;
  const appliedPaths = applied ? new Set([...paths(applied).keys()].filter((path) => after.has(path))) : undefined;
  for (const item of entries) {
    for (const path of removed) item.owned.delete(path);
    if (mine(item.entry)) continue;
    for (const path of changed) item.owned.delete(path);
  }
  let own = entries.find((item) => mine(item.entry));
  const gained = appliedPaths ?? changed;
  if (!own && gained.size > 0) {
    own = { entry: { apiVersion: next.apiVersion, fieldsType: "FieldsV1", fieldsV1: {}, manager, operation, time: now() }, owned: new Set() };
    entries.push(own);
  }
  if (own) {
    const wanted = appliedPaths ?? new Set([...own.owned, ...changed]);
    if (!sameSet(wanted, own.owned) || changed.size > 0) own.entry = { ...own.entry, apiVersion: next.apiVersion, time: now() };
    own.owned = wanted;
  }
  return entries
    .filter((item) => item.owned.size > 0)
    .map((item) => ({ ...item.entry, fieldsV1: toFieldsV1(item.owned) }))
    .sort(compareEntries);
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** kube-apiserver's order (sortEncodedManagedFields): operation, then time in seconds, then manager. */
function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
  const [ps, qs] = [Date.parse(p.time), Date.parse(q.time)];
  if (ps !== qs) return ps - qs;
  if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
  return p.apiVersion < q.apiVersion ? -1 : p.apiVersion > q.apiVersion ? 1 : 0;
}
