import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Facts the manifests must agree with, read from the source rather than restated here: which
 * Kubernetes API calls Aviary makes (so the Role can be compared with them) and which environment
 * variables its configuration parsers read.
 */
const ROOT = path.resolve(import.meta.dirname, "..", "..");

function sources(dir: string): { file: string; text: string }[] {
  if (!existsSync(path.join(ROOT, dir))) return [];
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(ts|tsx|mjs)$/.test(file) && !/\.test\.tsx?$/.test(file) && !file.startsWith("generated"))
    .map((file) => ({ file: path.join(dir, file), text: readFileSync(path.join(ROOT, dir, file), "utf8") }));
}

/** Code that runs in the image: the app, its libraries and the image's entry points. */
export function serverSources() {
  const roots = ["proxy.ts", "instrumentation.ts"].map((file) => ({ file, text: readFileSync(path.join(ROOT, file), "utf8") }));
  return [...sources("lib"), ...sources("app"), ...sources("deploy/image"), ...roots];
}

/** client-node's CustomObjectsApi methods by the RBAC verb each needs. */
const CUSTOM_OBJECT_VERBS: Record<string, string> = {
  getNamespacedCustomObject: "get",
  listNamespacedCustomObject: "list",
  patchNamespacedCustomObject: "patch",
  createNamespacedCustomObject: "create",
  replaceNamespacedCustomObject: "update",
  deleteNamespacedCustomObject: "delete",
  deleteCollectionNamespacedCustomObject: "deletecollection",
};

/** client-node exports the adapter may import without making API calls of their own. */
const INERT_IMPORTS = new Set(["KubeConfig", "KubernetesObject", "KubernetesListObject", "ApiException"]);

export type ApiCall = { group: string; resource: string; verb: string; where: string };

/**
 * The (group, resource, verb) triples lib/kube asks the API server for, from its source. Anything
 * this cannot map (another API class, a cluster-scoped or status call, a second group or
 * resource) throws, so a new kind of call cannot slip past the RBAC comparison.
 */
export function kubeApiCalls(files = sources("lib/kube")): ApiCall[] {
  const outside = serverSources().filter((s) => !s.file.startsWith("lib/kube/") && s.text.includes("@kubernetes/client-node"));
  if (outside.length) throw new Error(`only lib/kube may use @kubernetes/client-node; also: ${outside.map((s) => s.file).join(", ")}`);
  const constants = new Map(files.flatMap((s) => [...s.text.matchAll(/const (GROUP|PLURAL) = "([^"]+)";/g)].map((m) => [m[1]!, m[2]!])));
  const group = constants.get("GROUP");
  const resource = constants.get("PLURAL");
  if (!group || !resource) throw new Error("lib/kube no longer declares GROUP and PLURAL: update test/deploy/code-facts.ts");
  const calls: ApiCall[] = [];
  for (const { file, text } of files) {
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"@kubernetes\/client-node"/g)) {
      for (const name of m[1]!.split(",").map((n) => n.replace(/^\s*type\s+/, "").trim())) {
        if (name && !INERT_IMPORTS.has(name) && !["CustomObjectsApi", "Watch", "ListWatch"].includes(name))
          throw new Error(`${file} imports ${name} from client-node: map its API calls to RBAC verbs in test/deploy/code-facts.ts`);
      }
    }
    for (const m of text.matchAll(/makeApiClient\((\w+)\)/g)) {
      if (m[1] !== "CustomObjectsApi") throw new Error(`${file} makes a ${m[1]} client: map its calls in test/deploy/code-facts.ts`);
    }
    for (const m of text.matchAll(/\.(\w*CustomObject\w*)\(/g)) {
      const verb = CUSTOM_OBJECT_VERBS[m[1]!];
      if (!verb) throw new Error(`${file} calls ${m[1]}, which this test cannot map to an RBAC verb`);
      calls.push({ group, resource, verb, where: `${file}: ${m[1]}` });
    }
    for (const m of text.matchAll(/\b(?:group|plural):\s*([^,}\s]+)/g)) {
      if (!["GROUP", "PLURAL"].includes(m[1]!)) throw new Error(`${file} passes ${m[0]}: only GROUP and PLURAL are expected`);
    }
    // An informer lists, then watches the path it is given.
    if (/\bnew ListWatch\(|\bextends Watch\b|\bnew Watch\(|\bmakeInformer\(/.test(text)) {
      calls.push({ group, resource, verb: "list", where: `${file}: informer` }, { group, resource, verb: "watch", where: `${file}: informer` });
    }
    for (const m of text.matchAll(/`(\/apis\/[^`]*)`/g)) {
      if (!/^\/apis\/\$\{GROUP\}\/\$\{VERSION\}\/namespaces\/\$\{[^}]+\}\/\$\{PLURAL\}$/.test(m[1]!))
        throw new Error(`${file} builds API path ${m[1]}: only namespaced GROUP/PLURAL paths are expected`);
    }
  }
  return calls;
}

/**
 * Environment variables Aviary's configuration parsers read: lib/env.ts and every lib module that
 * takes its Env (auth, Prometheus, clusters, the audit key, and whatever comes next).
 */
export function parsedEnvNames(): Set<string> {
  const parsers = sources("lib").filter((s) => s.file === "lib/env.ts" || /import \{[^}]*\b(processEnv|Env)\b[^}]*\} from "[./]*env"/.test(s.text));
  const names = new Set<string>();
  for (const { text } of parsers) {
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1]!);
    for (const m of text.matchAll(/\b(?:read|need)\(\s*"([A-Z][A-Z0-9_]*)"/g)) names.add(m[1]!);
    for (const m of text.matchAll(/^\s+([A-Z][A-Z0-9_]*):\s*z\s*\./gm)) names.add(m[1]!);
  }
  return names;
}
