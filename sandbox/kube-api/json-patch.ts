// RFC 6902 JSON Patch. Error texts follow evanphx/json-patch (what the
// apiserver uses) because clients sometimes surface them verbatim.
import { clone, isJsonObject, type JsonValue } from "./types";

export class PatchApplyError extends Error {}
/** A patch document that is not a well-formed list of operations (400, not 422). */
export class PatchDecodeError extends Error {}

type Operation = { op: string; path: string; from?: string; value?: JsonValue };

export function decodeJsonPatch(doc: unknown): Operation[] {
  if (!Array.isArray(doc)) {
    throw new PatchDecodeError(`json: cannot unmarshal ${typeName(doc)} into Go value of type jsonpatch.Patch`);
  }
  return doc.map((op) => {
    if (!isJsonObject(op) || typeof op.op !== "string" || typeof op.path !== "string") {
      throw new PatchDecodeError('invalid JSON Patch: every operation needs string "op" and "path"');
    }
    const from = typeof op.from === "string" ? op.from : undefined;
    return { op: op.op, path: op.path, from, value: op.value };
  });
}

export function applyJsonPatch(target: JsonValue, ops: Operation[]): JsonValue {
  let doc = clone(target);
  for (const op of ops) doc = applyOne(doc, op);
  return doc;
}

function applyOne(doc: JsonValue, op: Operation): JsonValue {
  const need = (v: JsonValue | undefined) => {
    if (v === undefined) throw new PatchApplyError(`${op.op} operation does not apply: missing "value"`);
    return v;
  };
  switch (op.op) {
    case "add":
      return add(doc, op.path, clone(need(op.value)));
    case "remove":
      return remove(doc, op.path);
    case "replace":
      if (get(doc, op.path) === undefined) {
        throw new PatchApplyError(`replace operation does not apply: doc is missing key: ${op.path}: missing value`);
      }
      return replace(doc, op.path, clone(need(op.value)));
    case "move":
    case "copy": {
      const from = op.from ?? "";
      const value = get(doc, from);
      if (value === undefined) throw new PatchApplyError(`${op.op} operation does not apply: doc is missing from path: ${from}: missing value`);
      const base = op.op === "move" ? remove(doc, from) : doc;
      return add(base, op.path, clone(value));
    }
    case "test": {
      const actual = get(doc, op.path);
      if (actual === undefined && (op.value === undefined || op.value === null)) return doc;
      if (actual === undefined || !deepEqual(actual, op.value ?? null)) {
        throw new PatchApplyError(`testing value ${op.path} failed: test failed`);
      }
      return doc;
    }
    default:
      throw new PatchApplyError(`Unexpected kind: ${op.op}`);
  }
}

function parsePointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new PatchApplyError(`JSON pointer must be empty or start with a "/": ${path}`);
  return path
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function get(doc: JsonValue, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = doc;
  for (const key of parsePointer(path)) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(key) ? cur[Number(key)] : undefined;
    else if (isJsonObject(cur)) cur = Object.hasOwn(cur, key) ? cur[key] : undefined;
    else return undefined;
  }
  return cur;
}

function parentOf(doc: JsonValue, path: string, op: string): { parent: JsonValue; key: string } {
  const keys = parsePointer(path);
  const key = keys.pop();
  if (key === undefined) throw new PatchApplyError(`${op} operation does not apply: cannot target the document root`);
  const parent = get(doc, keys.length ? `/${keys.map((k) => k.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}` : "");
  if (parent === undefined || parent === null || typeof parent !== "object") {
    throw new PatchApplyError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return { parent, key };
}

function add(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  if (path === "") return value;
  const { parent, key } = parentOf(doc, path, "add");
  if (Array.isArray(parent)) {
    const index = key === "-" ? parent.length : Number(key);
    if (!/^\d+$/.test(key) && key !== "-") throw new PatchApplyError(`Unable to access invalid index: ${key}: invalid index referenced`);
    if (index > parent.length) throw new PatchApplyError(`Unable to access invalid index: ${index}: invalid index referenced`);
    parent.splice(index, 0, value);
  } else if (isJsonObject(parent)) parent[key] = value;
  return doc;
}

function replace(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  if (path === "") return value;
  const { parent, key } = parentOf(doc, path, "replace");
  if (Array.isArray(parent)) parent[Number(key)] = value;
  else if (isJsonObject(parent)) parent[key] = value;
  return doc;
}

function remove(doc: JsonValue, path: string): JsonValue {
  const { parent, key } = parentOf(doc, path, "remove");
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!/^\d+$/.test(key) || index >= parent.length) {
      throw new PatchApplyError(`Unable to access invalid index: ${key}: invalid index referenced`);
    }
    parent.splice(index, 1);
  } else if (isJsonObject(parent)) {
    if (!Object.hasOwn(parent, key)) throw new PatchApplyError(`Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (isJsonObject(v)) return "object";
  return typeof v === "string" ? "string" : typeof v;
}
