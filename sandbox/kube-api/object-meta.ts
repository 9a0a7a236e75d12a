// Request-body decoding and system-owned metadata (uid, creationTimestamp,
// generation), mirroring rest.BeforeCreate / BeforeUpdate for custom resources.
import { randomBytes, randomUUID } from "node:crypto";
import { deepEqual } from "./json-patch";
import { badRequest } from "./status";
import { clone, isJsonObject, type JsonObject, type KubeObject, type ResourceType } from "./types";

/** Checks the shape of a request body and returns it typed, with metadata defaulted. */
export function decodeObject(res: ResourceType, version: string, body: unknown): KubeObject {
  if (!isJsonObject(body)) {
    throw badRequest(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(body) ? "array" : typeof body} into Go value of type struct`,
    );
  }
  const expected = `${res.group}/${version}`;
  if (typeof body.kind !== "string" || body.kind === "") {
    throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body).slice(0, 200)}'`);
  }
  if (body.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(body.apiVersion ?? "")}) does not match the expected API version (${expected})`);
  }
  if (body.kind !== res.kind) {
    throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${res.kind})`);
  }
  const meta = body.metadata ?? {};
  if (!isJsonObject(meta)) throw badRequest("json: cannot unmarshal metadata into Go struct field of type v1.ObjectMeta");
  const obj = clone(body) as KubeObject;
  obj.metadata = { ...(clone(meta) as JsonObject), name: str(meta.name), namespace: str(meta.namespace) };
  return obj;
}

/** The namespace in a body must match the URL (empty means "take the URL's"). */
export function checkNamespace(obj: KubeObject, namespace: string): void {
  if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  obj.metadata.namespace = namespace;
}

export function checkName(obj: KubeObject, name: string): void {
  if (obj.metadata.name && obj.metadata.name !== name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  }
  obj.metadata.name = name;
}

export function prepareForCreate(obj: KubeObject): void {
  const m = obj.metadata;
  if (!m.name && m.generateName) m.name = `${m.generateName}${randomSuffix()}`;
  m.uid = randomUUID();
  m.creationTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  m.generation = 1;
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.managedFields;
  // Status is a subresource for Istio CRDs: the main endpoint never sets it.
  delete obj.status;
}

/** Copies system-owned fields from `old`, keeps old status, bumps generation on spec change. */
export function prepareForUpdate(old: KubeObject, next: KubeObject, statusOnly: boolean): KubeObject {
  const result = statusOnly ? { ...clone(old), status: next.status } : clone(next);
  if (!statusOnly) {
    if (old.status === undefined) delete result.status;
    else result.status = clone(old.status);
  }
  if (result.status === undefined) delete result.status;
  const m = result.metadata;
  m.uid = old.metadata.uid;
  m.creationTimestamp = old.metadata.creationTimestamp;
  m.name = old.metadata.name;
  m.namespace = old.metadata.namespace;
  m.resourceVersion = old.metadata.resourceVersion;
  m.generation = old.metadata.generation ?? 1;
  delete m.managedFields;
  if (!deepEqual(specOf(old), specOf(result))) m.generation += 1;
  return result;
}

/** Everything except metadata and status: what metadata.generation tracks. */
function specOf(obj: KubeObject): JsonObject {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest as JsonObject;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

function randomSuffix(): string {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join("");
}
