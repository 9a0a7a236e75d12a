import { isAppError } from "../app-error";
import { liveTrafficError, liveTrafficOf, type LiveTraffic } from "../domain/live-traffic";
import type { Rollout } from "../domain/rollout";
import type { VirtualServiceView } from "../domain/virtual-service-route";
import type { Freshness } from "../kube/virtual-services";
import { log } from "../log";
import type { Deps } from "../composition/deps";
import { getRollout } from "./get-rollout";
import { listRollouts } from "./list-rollouts";
import { unwrap } from "./write-weights";

/**
 * Live traffic plus how current it is: `freshness.source` is "watch" (the adapter's watch cache,
 * current as of `syncedAt`) or "direct" (read from the API server now, with a note saying why the
 * cache was not used). Absent when the read failed.
 */
export type ServedTraffic = LiveTraffic & { freshness?: Freshness };

/**
 * The live weights of one rollout's route, from the cluster's watch cache (no request to the API
 * server once it is synced). Never throws for cluster trouble: it reports it.
 */
export async function readLiveTraffic(deps: Deps, { id }: { id: string }): Promise<{ rolloutId: string; live: ServedTraffic }> {
  const rollout = await getRollout(deps, { id });
  try {
    const { vs, freshness } = await deps.kube.readVirtualServiceCached({
      cluster: rollout.cluster,
      namespace: rollout.namespace,
      name: rollout.virtualService,
    });
    return { rolloutId: rollout.id, live: { ...liveTrafficOf(vs, rollout, deps.now()), freshness } };
  } catch (error) {
    return { rolloutId: rollout.id, live: asLiveError(error, deps.now()) };
  }
}

/**
 * Live weights for every rollout on the overview from one watch cache per cluster and namespace,
 * however many rollouts share them (a list call only while a cache is syncing or its watch is down).
 */
export async function readAllLiveTraffic(deps: Deps): Promise<Record<string, ServedTraffic>> {
  const rollouts = await listRollouts(deps);
  const groups = new Map<string, Rollout[]>();
  for (const rollout of rollouts) {
    const key = JSON.stringify([rollout.cluster, rollout.namespace]);
    groups.set(key, [...(groups.get(key) ?? []), rollout]);
  }
  const result: Record<string, ServedTraffic> = {};
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const { cluster, namespace } = group[0]!;
      let byName: Map<string, VirtualServiceView>;
      let freshness: Freshness;
      try {
        const listed = await deps.kube.listVirtualServicesCached({ cluster, namespace });
        byName = new Map(listed.items.map((vs) => [vs.name, vs]));
        freshness = listed.freshness;
      } catch (error) {
        for (const rollout of group) result[rollout.id] = asLiveError(error, deps.now());
        return;
      }
      for (const rollout of group) {
        const vs = byName.get(rollout.virtualService);
        try {
          result[rollout.id] = vs
            ? { ...liveTrafficOf(vs, rollout, deps.now()), freshness }
            : liveTrafficError(
                { code: "TARGET_INVALID", message: `VirtualService ${namespace}/${rollout.virtualService} does not exist in cluster "${cluster}"` },
                deps.now(),
              );
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
  log.error("unexpected error while reading live traffic", { error: inner });
  return liveTrafficError({ code: "INTERNAL", message: "reading the cluster failed unexpectedly; see the server log" }, at);
}
