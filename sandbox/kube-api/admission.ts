// The validation chain every create/update/patch result goes through, in the
// apiserver's order: prune unknown fields, schema + metadata validation (422),
// then the Istio validating webhook (422). Nothing is stored if any step fails.
import { CEL_SKIPPED, celCauses, hasCelRules } from "./cel-rules";
import { istioWebhookCauses } from "./istio-rules";
import { pruneObject } from "./schema-prune";
import { schemaCauses } from "./schema-validate";
import { badRequest, failure, invalid } from "./status";
import { asJson, isJsonObject, type KubeObject, type ResourceType, type StatusCause } from "./types";

export type FieldValidation = "Ignore" | "Warn" | "Strict";

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Prunes and validates `obj` in place. Returns warnings (unknown fields dropped). */
export function admit(res: ResourceType, version: string, obj: KubeObject, fieldValidation: FieldValidation, patched = false): string[] {
  const schema = res.schemas.get(version) ?? res.schemas.get(res.storageVersion);
  if (!schema) throw new Error(`no schema for ${res.plural}/${version}`);
  const pruned = pruneObject(asJson(obj), schema);
  if (pruned.length > 0 && fieldValidation === "Strict" && patched) {
    // A patch's result is decoded again, and that error is reported on the field "patch" (422).
    const message = `Invalid value: ${JSON.stringify(JSON.stringify(obj))}: strict decoding error: ${pruned.map((p) => `unknown field "${p}"`).join(", ")}`;
    throw failure(422, "Invalid", ` "" is invalid: patch: ${message}`, { causes: [{ reason: "FieldValueInvalid", message, field: "patch" }] });
  }
  if (pruned.length > 0 && fieldValidation === "Strict") {
    throw badRequest(
      `${res.kind} in version "${version}" cannot be handled as a ${res.kind}: strict decoding error: ${pruned.map((p) => `unknown field "${p}"`).join(", ")}`,
    );
  }
  const name = obj.metadata.name;
  const schemaErrors = schemaCauses(schema, asJson(obj));
  // The CEL rules run only on an object the schema accepts; otherwise the real server says they were skipped.
  const causes = [...metadataCauses(obj), ...schemaErrors, ...(schemaErrors.length > 0 && hasCelRules(schema) ? [CEL_SKIPPED] : [])];
  if (causes.length > 0) throw invalid(res, name, causes);
  const cel = celCauses(schema, asJson(obj));
  if (cel.length > 0) throw invalid(res, name, cel);
  const webhook = istioWebhookCauses(res.kind, asJson(obj));
  if (webhook.length > 0) throw invalid(res, name, webhook);
  return fieldValidation === "Warn" ? pruned.map((p) => `unknown field "${p}"`) : [];
}

function metadataCauses(obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const { name } = obj.metadata;
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    causes.push({
      reason: "FieldValueInvalid",
      message:
        `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', ` +
        "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      field: "metadata.name",
    });
  }
  for (const field of ["labels", "annotations"] as const) {
    const map: unknown = obj.metadata[field];
    if (map === undefined) continue;
    const ok = isJsonObject(map) && Object.values(map).every((v) => typeof v === "string");
    if (!ok) causes.push({ reason: "FieldValueInvalid", message: "Invalid value: must be a map of string to string", field: `metadata.${field}` });
  }
  return causes;
}
