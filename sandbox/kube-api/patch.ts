// PATCH for custom resources: JSON patch, merge patch and (simplified)
// server-side apply. The patch is applied to the current object and the result
// goes through the same preconditions and validation as a PUT.
import { parse as parseYaml } from "yaml";
import { applyJsonPatch, decodeJsonPatch, PatchApplyError, PatchDecodeError } from "./json-patch";
import { applyMergePatch } from "./merge-patch";
import { checkName, checkNamespace, decodeObject } from "./object-meta";
import { inVersion, type Registry, type WriteOptions, type WriteResult } from "./registry";
import { badRequest, failure, notFound } from "./status";
import { asJson, isJsonObject, type JsonValue, type PatchType, type ResourceType } from "./types";

export const PATCH_MEDIA_TYPES: Record<string, PatchType> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/apply-patch+yaml": "apply",
};

export type PatchOptions = WriteOptions & { fieldManager?: string | null };

export type PatchRequest = {
  res: ResourceType;
  version: string;
  namespace: string;
  name: string;
  type: PatchType;
  body: string;
  statusOnly?: boolean;
};

export function patchObject(registry: Registry, req: PatchRequest, opts: PatchOptions): WriteResult {
  const { res, version, namespace, name, type } = req;
  if (type === "apply" && !opts.fieldManager) {
    // apimachinery ValidatePatchOptions: rendered through NewInvalid on PatchOptions.
    throw failure(422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
      group: "meta.k8s.io",
      kind: "PatchOptions",
      causes: [{ reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager" }],
    });
  }
  const doc = type === "apply" ? parseApplyBody(req.body) : parseJson(req.body);
  const old = registry.storage.get(res.plural, namespace, name);
  if (!old) {
    if (type !== "apply") throw notFound(res, name);
    const obj = decodeObject(res, version, doc);
    checkName(obj, name);
    return registry.create(res, version, namespace, obj, { ...opts, ...(isJsonObject(doc) && { applied: doc }) });
  }
  const current = inVersion(old, res, version);
  let patched: JsonValue;
  if (type === "json") {
    let ops;
    try {
      ops = decodeJsonPatch(doc);
      patched = applyJsonPatch(asJson(current), ops);
    } catch (err) {
      if (err instanceof PatchDecodeError) throw badRequest(err.message);
      if (err instanceof PatchApplyError) throw patchRejected(err.message);
      throw err;
    }
  } else {
    if (!isJsonObject(doc)) throw badRequest("Invalid JSON Patch");
    if (type === "apply") checkName(decodeObject(res, version, doc), name);
    // Simplified apply: a merge of the applied config; its manager then owns exactly those fields
    // (managed-fields.ts), but conflicts with other managers are not detected.
    patched = applyMergePatch(asJson(current), doc);
  }
  const next = decodeObject(res, version, patched);
  checkNamespace(next, namespace);
  checkName(next, name);
  if (!next.metadata.resourceVersion) next.metadata.resourceVersion = old.metadata.resourceVersion ?? "";
  const applied = type === "apply" && isJsonObject(doc) ? doc : undefined;
  return registry.commitUpdate(res, version, old, next, { ...opts, patch: true, ...(applied && { applied }) }, req.statusOnly);
}

/**
 * The apiserver answers a failing JSON-patch operation (including `test`) with
 * NewGenericServerResponse(422, …, isUnexpectedResponse=false): reason Invalid,
 * a generic message and empty details. The json-patch error is dropped there,
 * so it is dropped here too: clients must not be able to rely on it.
 */
function patchRejected(_detail: string) {
  return failure(422, "Invalid", "the server rejected our request due to an error in our request", {});
}

function parseJson(body: string): JsonValue {
  try {
    return JSON.parse(body) as JsonValue;
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

function parseApplyBody(body: string): JsonValue {
  try {
    return parseYaml(body) as JsonValue;
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
}
