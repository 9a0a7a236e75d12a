// Structural-schema pruning, as the apiserver does before validating a custom
// resource: unknown fields are dropped (and reported as warnings), and nulls in
// non-nullable fields are removed instead of failing validation.
import { isJsonObject, type JsonObject, type JsonValue } from "./types";

const OBJECT_META_FIELDS = new Set([
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
]);

/** Prunes `obj` in place; returns the dotted paths of the unknown fields removed. */
export function pruneObject(obj: JsonObject, schema: JsonObject): string[] {
  const pruned: string[] = [];
  for (const key of Object.keys(obj)) {
    if (key === "apiVersion" || key === "kind") continue;
    if (key === "metadata") {
      const meta = obj.metadata;
      if (isJsonObject(meta)) {
        for (const k of Object.keys(meta)) {
          if (!OBJECT_META_FIELDS.has(k)) {
            delete meta[k];
            pruned.push(`metadata.${k}`);
          } else if (meta[k] === null) delete meta[k];
        }
      }
      continue;
    }
    pruneValue(obj, key, propertySchema(schema, key), key, pruned);
  }
  return pruned;
}

function propertySchema(schema: JsonObject, key: string): JsonObject | "keep" | undefined {
  const props = schema.properties;
  if (isJsonObject(props) && isJsonObject(props[key])) return props[key];
  const extra = schema.additionalProperties;
  if (isJsonObject(extra)) return extra;
  if (extra === true || schema["x-kubernetes-preserve-unknown-fields"] === true) return "keep";
  return undefined;
}

function pruneValue(parent: JsonObject | JsonValue[], key: string | number, schema: JsonObject | "keep" | undefined, path: string, pruned: string[]): void {
  const value = (parent as Record<string | number, JsonValue | undefined>)[key];
  if (schema === undefined) {
    if (!Array.isArray(parent)) delete parent[key as string];
    pruned.push(path);
    return;
  }
  if (schema === "keep") return;
  if (value === null) {
    // Nulls in non-nullable object fields are pruned (PruneNonNullableNullsWithoutDefaults).
    if (schema.nullable !== true && !Array.isArray(parent)) delete parent[key as string];
    return;
  }
  if (Array.isArray(value)) {
    const items = schema.items;
    if (!isJsonObject(items)) return;
    value.forEach((_, i) => pruneValue(value, i, items, `${path}[${i}]`, pruned));
    return;
  }
  if (!isJsonObject(value) || schema.type !== "object") return;
  for (const k of Object.keys(value)) pruneValue(value, k, propertySchema(schema, k), `${path}.${k}`, pruned);
}
