// URL -> API route. Only the shapes kube-apiserver serves for namespaced
// custom resources plus the discovery/health endpoints clients probe.
import type { Resources } from "./resources";
import type { ResourceType } from "./types";

export type ApiRoute =
  | { type: "health"; check: "healthz" | "readyz" | "livez" }
  | { type: "version" }
  | { type: "discovery"; path: string[] }
  | {
      type: "resource";
      res: ResourceType;
      version: string;
      namespace?: string;
      name?: string;
      subresource?: "status";
    };

export function matchRoute(pathname: string, resources: Resources): ApiRoute | undefined {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const [root, group, version, ...rest] = parts;
  if (parts.length === 1 && (root === "healthz" || root === "readyz" || root === "livez")) {
    return { type: "health", check: root };
  }
  if (parts.length === 1 && root === "version") return { type: "version" };
  if (root === "api" && parts.length <= 2) return { type: "discovery", path: parts };
  if (root !== "apis") return undefined;
  if (parts.length <= 3) return { type: "discovery", path: parts };
  if (!group || !version) return undefined;
  // /apis/{g}/{v}/{plural}: list across all namespaces.
  if (rest.length === 1) {
    const res = resources.find(group, version, rest[0] ?? "");
    return res ? { type: "resource", res, version } : undefined;
  }
  const [nsWord, namespace, plural, name, sub, ...extra] = rest;
  if (nsWord !== "namespaces" || !namespace || !plural || extra.length > 0) return undefined;
  const res = resources.find(group, version, plural);
  if (!res) return undefined;
  if (sub !== undefined && sub !== "status") return undefined;
  return { type: "resource", res, version, namespace, name, subresource: sub };
}

/** The RBAC verb kube-apiserver derives from method + path. */
export function verbFor(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case "GET":
    case "HEAD":
      return hasName ? "get" : watch ? "watch" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return hasName ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}
