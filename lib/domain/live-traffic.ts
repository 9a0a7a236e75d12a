import type { Rollout } from "./rollout";
import { locateRoute, type VirtualServiceView } from "./virtual-service-route";

/**
 * What the cluster says, next to what Aviary recorded. Pure: the use cases read the
 * VirtualService and hand it here, so the overview (one list per namespace) and the detail page
 * (one read) agree on what "drift" means.
 */
export type LiveTraffic =
  | {
      state: "ok";
      canaryWeight: number;
      stableWeight: number;
      routeName: string | null;
      resourceVersion: string;
      /** The live canary weight differs from the one Aviary recorded for a started rollout. */
      drift: boolean;
      readAt: string;
    }
  | { state: "error"; code: string; message: string; readAt: string };

type Recorded = Pick<Rollout, "status" | "canaryWeight" | "route" | "stable" | "canary">;

export function liveTrafficOf(vs: VirtualServiceView, rollout: Recorded, readAt: Date): LiveTraffic {
  const located = locateRoute(vs, rollout);
  return {
    state: "ok",
    canaryWeight: located.canaryWeight,
    stableWeight: located.stableWeight,
    routeName: located.routeName,
    resourceVersion: vs.resourceVersion,
    drift: rollout.status !== "draft" && rollout.status !== "archived" && located.canaryWeight !== rollout.canaryWeight,
    readAt: readAt.toISOString(),
  };
}

export function liveTrafficError(error: { code?: string; message: string }, readAt: Date): LiveTraffic {
  return { state: "error", code: error.code ?? "INTERNAL", message: error.message, readAt: readAt.toISOString() };
}
