// RFC 7386 JSON merge patch: objects merge recursively, arrays and scalars are
// replaced whole, null deletes. A merge patch on spec.http therefore has to
// resend every route, exactly as against a real cluster.
import { clone, isJsonObject, type JsonValue } from "./types";

export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return clone(patch);
  const result = isJsonObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
