// Minimal but valid discovery and version documents, enough for client-node,
// kubectl api-resources and `kubectl version` to recognise the server.
import type { Resources } from "./resources";
import type { JsonObject } from "./types";

export function discoveryDoc(path: string[], resources: Resources, serverAddress: string): JsonObject | undefined {
  const [root, group, version] = path;
  if (root === "api") {
    if (path.length === 1) {
      return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
    }
    return path[1] === "v1" ? { kind: "APIResourceList", groupVersion: "v1", resources: [] } : undefined;
  }
  if (path.length === 1) {
    return { kind: "APIGroupList", apiVersion: "v1", groups: resources.groups().map((g) => groupDoc(g, resources)) };
  }
  if (!group || !resources.groups().includes(group)) return undefined;
  if (path.length === 2) return { kind: "APIGroup", apiVersion: "v1", ...groupDoc(group, resources) };
  const inVersion = resources.all.filter((r) => r.group === group && r.versions.includes(version ?? ""));
  if (inVersion.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: `${group}/${version ?? ""}`,
    resources: inVersion.flatMap((r) => [
      {
        name: r.plural,
        singularName: r.singular,
        namespaced: true,
        kind: r.kind,
        // Only what this double implements: no watch, no deletecollection.
        verbs: ["create", "delete", "get", "list", "patch", "update"],
        shortNames: r.shortNames,
        categories: r.categories,
      },
      {
        name: `${r.plural}/status`,
        singularName: "",
        namespaced: true,
        kind: r.kind,
        verbs: ["get", "patch", "update"],
        shortNames: [],
        categories: [],
      },
    ]),
  };
}

function groupDoc(group: string, resources: Resources): JsonObject {
  const versions = resources.all.find((r) => r.group === group)?.versions ?? [];
  const gv = (v: string) => ({ groupVersion: `${group}/${v}`, version: v });
  return { name: group, versions: versions.map(gv), preferredVersion: gv(versions[0] ?? "v1") };
}

export const VERSION_INFO: JsonObject = {
  major: "1",
  minor: "33",
  gitVersion: "v1.33.0-aviary-sandbox",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2025-01-01T00:00:00Z",
  goVersion: "go1.24.0",
  compiler: "gc",
  platform: "linux/amd64",
};
