// Seed files: JSON (object, array or List) or YAML (multi-document; each
// document may itself be a List), so `kubectl get -o yaml` output works as is.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { isJsonObject } from "./types";

export function parseSeed(text: string, format: "json" | "yaml"): unknown[] {
  const docs: unknown[] =
    format === "json"
      ? [JSON.parse(text) as unknown]
      : parseAllDocuments(text).map((d) => {
          if (d.errors.length > 0) throw new Error(`invalid seed YAML: ${d.errors[0]?.message ?? "parse error"}`);
          return d.toJS() as unknown;
        });
  return docs.flatMap(flatten);
}

export function loadSeedFile(file: string): unknown[] {
  const format = /\.json$/i.test(file) ? "json" : "yaml";
  return parseSeed(readFileSync(file, "utf8"), format);
}

function flatten(doc: unknown): unknown[] {
  if (doc === null || doc === undefined) return [];
  if (Array.isArray(doc)) return doc.flatMap(flatten);
  if (isJsonObject(doc) && Array.isArray(doc.items) && typeof doc.kind === "string" && doc.kind.endsWith("List")) {
    return doc.items.flatMap(flatten);
  }
  return [doc];
}
