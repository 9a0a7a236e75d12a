import { isAppError } from "../app-error";
import { liveTrafficError, liveTrafficOf, type LiveTraffic } from "../domain/live-traffic";
import type { Rollout } from "../domain/rollout";
import type { VirtualServiceView } from "../domain/virtual-service-route";
import type { Deps } from "./deps";
import { getRollout } from "./get-rollout";
import { listRollouts } from "./list-rollouts";
import { unwrap } from "./write-weights";

/** The live weights of one rollout's route, read from its cluster now. Never throws for cluster trouble: it reports it. */
export async function readLiveTraffic(deps: Deps, { id }: { id: string }): Promise<{ rolloutId: string; live: LiveTraffic }> {
  const rollout = await getRollout(deps, { id });
  try {
    const vs = await deps.kube.readVirtualService({ cluster: rollout.cluster, namespace: rollout.namespace, name: rollout.virtualService });
    return { rolloutId: rollout.id, live: liveTrafficOf(vs, rollout, deps.now()) };
  } catch (error) {
    return { rolloutId: rollout.id, live: asLiveError(error, deps.now()) };
  }
}

/**
 * Live weights for every rollout on the overview with one list call per cluster and namespace,
 * however many rollouts share them.
 */
export async function readAllLiveTraffic(deps: Deps): Promise<Record<string, LiveTraffic>> {
  const rollouts = await listRollouts(deps);
  const groups = new Map<string, Rollout[]>();
  for (const rollout of rollouts) {
    const key = JSON.stringify([rollout.cluster, rollout.namespace]);
    groups.set(key, [...(groups.get(key) ?? []), rollout]);
  }
  const result: Record<string, LiveTraffic> = {};
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const { cluster, namespace } = group[0]!;
      let byName: Map<string, VirtualServiceView>;
      try {
        byName = new Map((await deps.kube.listVirtualServices({ cluster, namespace })).map((vs) => [vs.name, vs]));
      } catch (error) {
        for (const rollout of group) result[rollout.id] = asLiveError(error, deps.now());
        return;
      }
      for (const rollout of group) {
        const vs = byName.get(rollout.virtualService);
        try {
          result[rollout.id] = vs
            ? liveTrafficOf(vs, rollout, deps.now())
            : liveTrafficError({ code: "TARGET_INVALID", message: `VirtualService ${namespace}/${rollout.virtualService} does not exist in cluster "${cluster}"` }, deps.now());
        } catch (error) {
          result[rollout.id] = asLiveError(error, deps.now());
        }
      }
    }),
  );
  return result;
}

function asLiveError(error: unknown, at: Date): LiveTraffic {
  const inner = unwrap(error);
  if (isAppError(inner)) return liveTrafficError(inner, at);
  console.error("unexpected error while reading live traffic", inner);
  return liveTrafficError({ code: "INTERNAL", message: "reading the cluster failed unexpectedly; see the server log" }, at);
}
