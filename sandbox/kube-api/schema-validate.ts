// Validates custom resources against the CRD openAPIV3Schema with ajv, after
// translating Kubernetes structural-schema extensions, and renders ajv errors
// as the field.ErrorList causes kube-apiserver returns in a 422.
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { isJsonObject, type JsonObject, type JsonValue, type StatusCause } from "./types";

const ajv = new Ajv({
  allErrors: true,
  strict: false,
  verbose: true,
  formats: {
    // Kubernetes does not range-check numeric formats; accept them as annotations.
    int32: { type: "number", validate: () => true },
    int64: { type: "number", validate: () => true },
    uint32: { type: "number", validate: () => true },
    float: { type: "number", validate: () => true },
    double: { type: "number", validate: () => true },
    byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
    "date-time": /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/,
  },
});
const KNOWN_FORMATS = new Set(["int32", "int64", "uint32", "float", "double", "byte", "date-time"]);
const compiled = new Map<string, ValidateFunction>();

/** Strips x-kubernetes-* extensions and unknown formats, keeping only what ajv should enforce. */
export function toAjvSchema(schema: JsonValue): JsonValue {
  if (Array.isArray(schema)) return schema.map(toAjvSchema);
  if (!isJsonObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith("x-kubernetes-") || key === "description") continue;
    if (key === "format" && typeof value === "string" && !KNOWN_FORMATS.has(value)) continue;
    out[key] =
      key === "properties" && isJsonObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toAjvSchema(v)])) : toAjvSchema(value);
  }
  if (schema["x-kubernetes-int-or-string"] === true && out.anyOf === undefined) {
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  return out;
}

export function schemaCauses(schema: JsonObject, obj: JsonObject): StatusCause[] {
  const sanitized = toAjvSchema(schema);
  const key = JSON.stringify(sanitized);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(sanitized as object);
    compiled.set(key, validate);
  }
  if (validate(obj)) return [];
  return toCauses(validate.errors ?? [], obj);
}

function toCauses(errors: ErrorObject[], data: JsonObject): StatusCause[] {
  // Branch errors inside a failed oneOf/anyOf/not are noise; the apiserver reports the combinator.
  const combinators = errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf" || e.keyword === "not");
  const kept = errors.filter((e) => !combinators.some((c) => c !== e && e.schemaPath.startsWith(`${c.schemaPath}/`)));
  const seen = new Set<string>();
  const causes: StatusCause[] = [];
  for (const e of kept) {
    const cause = toCause(e, data);
    const id = `${cause.field}|${cause.message}`;
    if (!seen.has(id)) causes.push(cause);
    seen.add(id);
  }
  return causes;
}

function toCause(e: ErrorObject, data: JsonObject): StatusCause {
  const value = valueAt(data, e.instancePath);
  const field = fieldPath(data, e.instancePath);
  const p = e.params as Record<string, unknown>;
  const t = goType(value);
  switch (e.keyword) {
    case "type":
      return typeCause(field, t, String(p.type));
    case "required":
      return { reason: "FieldValueRequired", message: "Required value", field: join(field, String(p.missingProperty)) };
    case "enum": {
      const allowed = (Array.isArray(p.allowedValues) ? p.allowedValues : []).map((v) => JSON.stringify(v));
      return { reason: "FieldValueNotSupported", message: `Unsupported value: ${show(value)}: supported values: ${allowed.join(", ")}`, field };
    }
    case "minimum":
    case "maximum": {
      const rel = e.keyword === "minimum" ? "greater" : "less";
      return invalidCause(field, value, `${field} in body should be ${rel} than or equal to ${String(p.limit)}`);
    }
    case "maxLength":
      return { reason: "FieldValueTooLong", message: `Too long: may not be more than ${String(p.limit)} bytes`, field };
    case "maxItems":
    case "maxProperties":
      return { reason: "FieldValueTooMany", message: `Too many: ${count(value)}: must have at most ${String(p.limit)} items`, field };
    case "format":
      return invalidCause(field, value, `${field} in body must be of type ${String(p.format)}: ${show(value)}`);
    case "oneOf":
      return invalidCause(field, t, `${field} in body must validate one and only one schema (oneOf)`);
    case "anyOf": {
      const branches = isJsonObject(e.parentSchema) && Array.isArray(e.parentSchema.anyOf) ? e.parentSchema.anyOf : [];
      const types = branches.map((b) => (isJsonObject(b) && Object.keys(b).length === 1 ? b.type : undefined));
      if (types.length > 0 && types.every((x) => typeof x === "string")) return typeCause(field, t, types.join(","));
      return invalidCause(field, t, `${field} in body must validate at least one schema (anyOf)`);
    }
    default:
      return invalidCause(field, value, `${field} in body ${e.message ?? "is invalid"}`);
  }
}

const typeCause = (field: string, actual: string, expected: string): StatusCause => ({
  reason: "FieldValueTypeInvalid",
  message: `Invalid value: "${actual}": ${field} in body must be of type ${expected}: "${actual}"`,
  field,
});

const invalidCause = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: "FieldValueInvalid",
  message: `Invalid value: ${show(value)}: ${detail}`,
  field,
});

export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "null";
  const json = JSON.stringify(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

function goType(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const count = (v: unknown) => (Array.isArray(v) ? v.length : isJsonObject(v) ? Object.keys(v).length : 0);
const join = (base: string, key: string) => (base ? `${base}.${key}` : key);
const segments = (pointer: string) =>
  pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));

function valueAt(data: JsonValue, pointer: string): JsonValue | undefined {
  let cur: JsonValue | undefined = data;
  for (const seg of segments(pointer)) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isJsonObject(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/** JSON pointer -> Kubernetes field path, e.g. /spec/http/0/route -> spec.http[0].route. */
export function fieldPath(data: JsonValue, pointer: string): string {
  let cur: JsonValue | undefined = data;
  let out = "";
  for (const seg of segments(pointer)) {
    if (Array.isArray(cur)) {
      out += `[${seg}]`;
      cur = cur[Number(seg)];
    } else {
      out = join(out, seg);
      cur = isJsonObject(cur) ? cur[seg] : undefined;
    }
  }
  return out;
}
