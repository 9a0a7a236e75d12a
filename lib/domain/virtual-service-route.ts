import { AppError } from "../app-error";
import type { Destination } from "./rollout";
import type { RouteTarget } from "./steps/entry";

/**
 * Finding the rollout's HTTP route and its two destinations in a VirtualService, and the JSON
 * patch that brings it to what a step wants (lib/domain/steps: today the two weights) and changes
 * nothing else. Pure: the Kubernetes adapter supplies the parsed object and applies the patch.
 */
export type VsDestination = { host: string; subset?: string; port?: { number?: number } };
export type VsRouteEntry = { destination: VsDestination; weight?: number };
export type VsHttpRoute = { name?: string; route?: VsRouteEntry[] };
export type VirtualServiceView = { name: string; namespace: string; resourceVersion: string; http: VsHttpRoute[] };

export type LocatedRoute = {
  routeIndex: number;
  routeName: string | null;
  stableIndex: number;
  canaryIndex: number;
  /** Live weights as the cluster has them. */
  stableWeight: number;
  canaryWeight: number;
};

const matches = (entry: VsRouteEntry, want: Destination) =>
  entry.destination.host === want.host &&
  (entry.destination.subset ?? undefined) === (want.subset ?? undefined) &&
  (want.port === undefined || entry.destination.port?.number === want.port);

function invalid(vs: VirtualServiceView, problem: string): AppError {
  return new AppError("TARGET_INVALID", `VirtualService ${vs.namespace}/${vs.name}: ${problem}`);
}

export function locateRoute(vs: VirtualServiceView, { route, stable, canary }: { route?: string; stable: Destination; canary: Destination }): LocatedRoute {
  let routeIndex: number;
  if (route) {
    const indices = vs.http.flatMap((http, index) => (http.name === route ? [index] : []));
    if (indices.length === 0) {
      const names = vs.http.map((http) => http.name ?? "(unnamed)").join(", ") || "none";
      throw invalid(vs, `has no HTTP route named "${route}" (routes: ${names})`);
    }
    if (indices.length > 1) throw invalid(vs, `has ${indices.length} HTTP routes named "${route}"; the name must be unique`);
    routeIndex = indices[0]!;
  } else {
    if (vs.http.length !== 1) {
      throw invalid(vs, `has ${vs.http.length} HTTP routes; name the one to drive in the rollout's "route" field`);
    }
    routeIndex = 0;
  }
  const http = vs.http[routeIndex]!;
  const where = http.name ? `route "${http.name}"` : `HTTP route ${routeIndex}`;
  const entries = http.route ?? [];
  const stableIndex = entries.findIndex((entry) => matches(entry, stable));
  const canaryIndex = entries.findIndex((entry) => matches(entry, canary));
  if (stableIndex < 0) throw invalid(vs, `${where} has no destination ${show(stable)} (the stable one)`);
  if (canaryIndex < 0) throw invalid(vs, `${where} has no destination ${show(canary)} (the canary one)`);
  if (entries.length > 2) {
    throw invalid(vs, `${where} has ${entries.length} destinations; Aviary drives routes with exactly a stable and a canary destination`);
  }
  const weightOf = (entry: VsRouteEntry | undefined) => entry?.weight ?? 0;
  const stableWeight = weightOf(entries[stableIndex]);
  const canaryWeight = weightOf(entries[canaryIndex]);
  if (stableWeight + canaryWeight !== 100) {
    throw invalid(vs, `${where} weights are ${stableWeight} (stable) + ${canaryWeight} (canary) = ${stableWeight + canaryWeight}, not 100`);
  }
  return { routeIndex, routeName: http.name ?? null, stableIndex, canaryIndex, stableWeight, canaryWeight };
}

function show({ host, subset, port }: Destination): string {
  return `${host}${subset ? ` subset ${subset}` : ""}${port ? ` port ${port}` : ""}`;
}

export type JsonPatchOp = { op: "test"; path: string; value: unknown } | { op: "replace" | "add"; path: string; value: unknown };

/**
 * The patch: preconditions first (the object is the version we read, the route and destinations
 * are still where we found them), then the two weights. Any failed `test` rejects the whole patch.
 */
export function weightPatch(vs: VirtualServiceView, located: LocatedRoute, canaryWeight: number): JsonPatchOp[] {
  if (!Number.isInteger(canaryWeight) || canaryWeight < 0 || canaryWeight > 100) {
    throw new AppError("VALIDATION", `canary weight must be an integer between 0 and 100, got ${canaryWeight}`);
  }
  const base = `/spec/http/${located.routeIndex}`;
  const entries = vs.http[located.routeIndex]?.route ?? [];
  const ops: JsonPatchOp[] = [{ op: "test", path: "/metadata/resourceVersion", value: vs.resourceVersion }];
  if (located.routeName !== null) ops.push({ op: "test", path: `${base}/name`, value: located.routeName });
  for (const index of [located.stableIndex, located.canaryIndex]) {
    ops.push({ op: "test", path: `${base}/route/${index}/destination/host`, value: entries[index]?.destination.host });
  }
  const set = (index: number, weight: number): JsonPatchOp => ({
    op: entries[index]?.weight === undefined ? "add" : "replace",
    path: `${base}/route/${index}/weight`,
    value: weight,
  });
  ops.push(set(located.stableIndex, 100 - canaryWeight), set(located.canaryIndex, canaryWeight));
  return ops;
}

/**
 * The patch from the live route to a step's route target. The one door from step kinds to the
 * VirtualService: a kind that adds to the route (a header route, a mirror) adds its operations and
 * their `test` preconditions here, so every writer and the rollback path get them.
 */
export function routePatch(vs: VirtualServiceView, located: LocatedRoute, target: RouteTarget): JsonPatchOp[] {
  return weightPatch(vs, located, target.canaryWeight);
}

/** Whether the live route already is the target (an earlier attempt landed): nothing to write. */
export function routeIsAt(located: LocatedRoute, target: RouteTarget): boolean {
  return located.canaryWeight === target.canaryWeight;
}
