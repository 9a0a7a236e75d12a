import { isAppError } from "../app-error";
import { trafficTargetSchema } from "../domain/rollout-definition";
import { parse } from "../domain/validation-errors";
import { locateRoute } from "../domain/virtual-service-route";
import type { VirtualServiceInspection } from "../contracts/inspection";
import { log } from "../log";
import type { Deps } from "../composition/deps";
import { unwrap } from "./write-weights";

/**
 * What the cluster holds for a (possibly unsaved) rollout target, so the SRE sees before saving
 * whether Aviary can drive it. Cluster trouble is reported in `problem`, never thrown.
 */
export async function inspectVirtualService(deps: Deps, { input }: { input: unknown }): Promise<VirtualServiceInspection> {
  const target = parse(trafficTargetSchema, input);
  let vs;
  try {
    vs = await deps.kube.readVirtualService({ cluster: target.cluster, namespace: target.namespace, name: target.virtualService });
  } catch (error) {
    return { virtualService: null, match: null, problem: describe(unwrap(error)) };
  }
  const virtualService = {
    resourceVersion: vs.resourceVersion,
    routes: vs.http.map((http) => ({
      name: http.name ?? null,
      destinations: (http.route ?? []).map((entry) => ({
        host: entry.destination.host,
        subset: entry.destination.subset ?? null,
        port: entry.destination.port?.number ?? null,
        weight: entry.weight ?? null,
      })),
    })),
  };
  try {
    const located = locateRoute(vs, target);
    return { virtualService, match: { routeName: located.routeName, stableWeight: located.stableWeight, canaryWeight: located.canaryWeight }, problem: null };
  } catch (error) {
    return { virtualService, match: null, problem: describe(error) };
  }
}

function describe(error: unknown): { code: string; message: string } {
  if (isAppError(error)) return { code: error.code, message: error.message };
  log.error("unexpected error while inspecting a VirtualService", { error });
  return { code: "INTERNAL", message: "reading the cluster failed unexpectedly; see the server log" };
}
