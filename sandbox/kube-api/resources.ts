// Reads CustomResourceDefinitions from disk so the double serves exactly the
// kinds, versions and schemas Istio ships, instead of a hand-written copy.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { isJsonObject, type JsonObject, type ResourceType } from "./types";

export type Resources = {
  all: ResourceType[];
  find(group: string, version: string, plural: string): ResourceType | undefined;
  byKind(apiVersion: string, kind: string): ResourceType | undefined;
  byPlural(plural: string): ResourceType | undefined;
  groups(): string[];
};

const cache = new Map<string, ResourceType[]>();

export function loadResources(crdDir: string): Resources {
  let all = cache.get(crdDir);
  if (!all) {
    all = readCrds(crdDir);
    cache.set(crdDir, all);
  }
  const list = all;
  return {
    all: list,
    find: (group, version, plural) => list.find((r) => r.group === group && r.plural === plural && r.versions.includes(version)),
    byKind: (apiVersion, kind) => {
      const [group, version] = apiVersion.split("/");
      return list.find((r) => r.group === group && r.kind === kind && r.versions.includes(version ?? ""));
    },
    byPlural: (plural) => list.find((r) => r.plural === plural),
    groups: () => [...new Set(list.map((r) => r.group))],
  };
}

function readCrds(crdDir: string): ResourceType[] {
  if (!existsSync(crdDir)) {
    throw new Error(
      `Istio CRDs not found in ${crdDir}: the sandbox validates objects against the real CRD schemas (sandbox/kube-api/crds by default); set AVIARY_ISTIO_CRD_DIR to their folder`,
    );
  }
  const files = readdirSync(crdDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const out: ResourceType[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(path.join(crdDir, file), "utf8"))) {
      const crd: unknown = doc.toJS();
      if (isJsonObject(crd) && crd.kind === "CustomResourceDefinition") out.push(toResourceType(crd, file));
    }
  }
  if (out.length === 0) throw new Error(`sandbox kube-api: no CustomResourceDefinitions found in ${crdDir}`);
  return out;
}

function toResourceType(crd: JsonObject, file: string): ResourceType {
  const spec = crd.spec;
  if (!isJsonObject(spec) || !isJsonObject(spec.names) || !Array.isArray(spec.versions)) {
    throw new Error(`sandbox kube-api: malformed CRD in ${file}`);
  }
  if (spec.scope !== "Namespaced") throw new Error(`sandbox kube-api: only namespaced CRDs are supported (${file})`);
  const names = spec.names;
  const schemas = new Map<string, JsonObject>();
  const served: string[] = [];
  let storageVersion = "";
  for (const v of spec.versions) {
    if (!isJsonObject(v) || typeof v.name !== "string" || v.served !== true) continue;
    const schema = isJsonObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    if (!isJsonObject(schema)) throw new Error(`sandbox kube-api: ${file} version ${v.name} has no openAPIV3Schema`);
    schemas.set(v.name, schema);
    served.push(v.name);
    if (v.storage === true) storageVersion = v.name;
  }
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((s) => typeof s === "string") : []);
  return {
    group: String(spec.group),
    plural: String(names.plural),
    singular: String(names.singular ?? ""),
    kind: String(names.kind),
    listKind: String(names.listKind ?? `${String(names.kind)}List`),
    shortNames: strings(names.shortNames),
    categories: strings(names.categories),
    versions: [storageVersion, ...served.filter((v) => v !== storageVersion).sort(compareVersions)],
    storageVersion,
    schemas,
  };
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === "beta" ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
  return 0;
}
