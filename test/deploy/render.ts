import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as client from "@kubernetes/client-node";
import { Deployment } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";

export const KUSTOMIZE_ROOT = path.resolve(import.meta.dirname, "..", "..", "deploy", "kustomize");

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
};

/** `kubectl kustomize <dir>` (kubectl's built-in Kustomize), parsed into objects. */
export function render(dir: string, root = KUSTOMIZE_ROOT): K8sObject[] {
  let out: string;
  try {
    out = execFileSync("kubectl", ["kustomize", path.join(root, dir)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === "ENOENT") throw new Error("kubectl is needed to render deploy/kustomize (Debian: apt-get install kubectl)", { cause: error });
    throw new Error(`kubectl kustomize ${dir} failed: ${stderr ?? String(error)}`, { cause: error });
  }
  return parseAllDocuments(out).map((doc) => {
    if (doc.errors.length) throw new Error(`${dir}: ${doc.errors[0]?.message}`);
    return doc.toJS() as K8sObject;
  });
}

/**
 * `dir` rendered as a reader would after uncommenting the given `# - <component>` lines of its
 * kustomization.yaml (the optional parts README tells them how to switch on), in a copy of
 * deploy/kustomize. A line that is no longer there fails, so the test and the comments stay in step.
 */
export function renderWithComponents(dir: string, components: string[]): K8sObject[] {
  const copy = mkdtempSync(path.join(tmpdir(), "aviary-kustomize-"));
  try {
    cpSync(KUSTOMIZE_ROOT, copy, { recursive: true });
    const file = path.join(copy, dir, "kustomization.yaml");
    let text = readFileSync(file, "utf8");
    for (const component of components) {
      const commented = `  # - ${component}\n`;
      if (!text.includes(commented)) throw new Error(`${dir}/kustomization.yaml no longer offers "${commented.trim()}"`);
      text = text.replace(commented, `  - ${component}\n`);
    }
    writeFileSync(file, text);
    return render(dir, copy);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/**
 * The Prometheus Operator's ServiceMonitor (monitoring.coreos.com/v1), checked by hand:
 * kubernetes-models does not cover it (its CRDs are in @kubernetes-models/prometheus-operator,
 * which this project does not install), so this is a subset of the CRD's schema, only the fields
 * components/servicemonitor uses, each with its type. Anything else is reported as unknown.
 */
class ServiceMonitor {
  constructor(private readonly data: Record<string, unknown>) {}

  validate(): void {
    const problems: string[] = [];
    const isString = (v: unknown) => typeof v === "string" && v.length > 0;
    const isLabels = (v: unknown) => typeof v === "object" && v !== null && Object.values(v).every(isString);
    const isDuration = (v: unknown) => v === undefined || (typeof v === "string" && /^(0|(\d+(ms|s|m|h))+)$/.test(v));
    const only = (at: string, value: unknown, allowed: string[]) => {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return problems.push(`${at}: must be an object`);
      for (const key of Object.keys(value)) if (!allowed.includes(key)) problems.push(`${at}.${key}: not a field this check knows`);
    };
    const { metadata, spec } = this.data as { metadata?: { name?: unknown; labels?: unknown }; spec?: Record<string, unknown> };
    only("ServiceMonitor", this.data, ["apiVersion", "kind", "metadata", "spec"]);
    if (!isString(metadata?.name)) problems.push("metadata.name: required");
    if (metadata?.labels !== undefined && !isLabels(metadata.labels)) problems.push("metadata.labels: must map strings to strings");
    only("spec", spec, ["selector", "endpoints", "namespaceSelector", "jobLabel"]);
    const selector = spec?.selector as { matchLabels?: unknown } | undefined;
    only("spec.selector", selector, ["matchLabels"]);
    if (!isLabels(selector?.matchLabels) || !Object.keys(selector?.matchLabels ?? {}).length) problems.push("spec.selector.matchLabels: required");
    const endpoints = spec?.endpoints;
    if (!Array.isArray(endpoints) || !endpoints.length) problems.push("spec.endpoints: a non-empty list is required");
    for (const [i, endpoint] of (Array.isArray(endpoints) ? endpoints : []).entries()) {
      const at = `spec.endpoints[${i}]`;
      const e = endpoint as Record<string, unknown>;
      only(at, e, ["port", "path", "scheme", "interval", "scrapeTimeout", "authorization"]);
      if (!isString(e.port)) problems.push(`${at}.port: the Service port's name is required`);
      if (e.path !== undefined && !(typeof e.path === "string" && e.path.startsWith("/"))) problems.push(`${at}.path: must start with /`);
      if (e.scheme !== undefined && !["http", "https"].includes(e.scheme as string)) problems.push(`${at}.scheme: http or https`);
      if (!isDuration(e.interval)) problems.push(`${at}.interval: a duration such as 30s`);
      if (!isDuration(e.scrapeTimeout)) problems.push(`${at}.scrapeTimeout: a duration such as 10s`);
      if (e.authorization !== undefined) {
        const auth = e.authorization as { type?: unknown; credentials?: { name?: unknown; key?: unknown } };
        only(`${at}.authorization`, auth, ["type", "credentials"]);
        if (auth.type !== undefined && !isString(auth.type)) problems.push(`${at}.authorization.type: a string`);
        only(`${at}.authorization.credentials`, auth.credentials, ["name", "key", "optional"]);
        if (!isString(auth.credentials?.name) || !isString(auth.credentials?.key)) problems.push(`${at}.authorization.credentials: name and key required`);
      }
    }
    if (problems.length) throw new Error(`ServiceMonitor ${String(metadata?.name)}:\n  ${problems.join("\n  ")}`);
  }
}

/**
 * Every kind the manifests may contain, with kubernetes-models' class for its API schema. A kind
 * missing here fails the test: add its class, or (for a custom resource, which kubernetes-models
 * does not cover) a schema of its own.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
  "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
};

/** Types, required fields, formats and enums, by the Kubernetes OpenAPI schema (throws with the paths). */
export function validateSchema(object: K8sObject): void {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`${object.apiVersion} ${object.kind}: no kubernetes-models class registered in test/deploy/render.ts`);
  new Model(withUnwrappedSecretData(object) as never).validate();
}

/**
 * Kustomize wraps long base64 values of a Secret's data over several lines; the API server's
 * decoder (Go's base64) skips the line breaks, kubernetes-models' "byte" format does not.
 */
function withUnwrappedSecretData(object: K8sObject): K8sObject {
  if (object.kind !== "Secret" || !object.data) return object;
  const data = Object.fromEntries(Object.entries(object.data as Record<string, string>).map(([key, value]) => [key, value.replace(/[\r\n]/g, "")]));
  return { ...object, data };
}

type Attribute = { baseName: string; type: string };
type Described = { getAttributeTypeMap(): Attribute[] };

/**
 * kubernetes-models' schemas accept fields they do not know (so does the API server, with a
 * warning), which lets a typo such as `readOnlyRootFileSystem` pass silently. client-node's
 * generated models list every field of every type: walk the object against them.
 */
export function unknownFields(object: K8sObject): string[] {
  const version = object.apiVersion.split("/").pop() ?? "";
  const className = `${version.charAt(0).toUpperCase()}${version.slice(1)}${object.kind}`;
  return walk(object, className, object.kind);
}

function walk(value: unknown, type: string, at: string): string[] {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return Array.isArray(value) ? value.flatMap((item, i) => walk(item, array[1]!, `${at}[${i}]`)) : [];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return Object.entries(value as object).flatMap(([key, item]) => walk(item, map[1]!, `${at}.${key}`));
  const model = (client as unknown as Record<string, Described | undefined>)[type];
  if (typeof model?.getAttributeTypeMap !== "function" || typeof value !== "object") return [];
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value as object).flatMap(([key, item]) => {
    const fieldType = attributes.get(key);
    return fieldType === undefined ? [`${at}.${key}`] : walk(item, fieldType, `${at}.${key}`);
  });
}
