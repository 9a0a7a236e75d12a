import { evaluationsSince } from "../../db/evaluations";
import { closeConditionsExcept, openCondition } from "../../db/notifications";
import { decideForRollout } from "../../domain/analysis/decide";
import { conditionsOf, heldVerdicts } from "../../domain/notifications/conditions";
import { noticeFromCondition } from "../../domain/notifications/notice";
import { isLive } from "../../domain/rollout-lifecycle";
import type { Deps } from "../../composition/deps";
import { listRollouts } from "../list-rollouts";
import { readAllLiveTraffic } from "../read-live-traffic";
import type { NotifyConfig } from "./config";
import { destinationsFor } from "./destinations";

/**
 * The notices no audit event marks: drift, a rollout waiting for a person too long, observe-mode
 * analysis that would roll back. Each is announced once while it lasts (a row in
 * notification_conditions, inserted by whoever sees it first) and forgotten when it clears, so
 * it is announced again only if it comes back. Live weights come from the watch cache (no API
 * server request per pass); a rollout whose cluster cannot be read keeps its drift state as it was.
 * Drift must last `driftGraceMs` (seen in `driftSeen`, the caller's memory between passes): an
 * action patches the cluster a moment before its transaction commits, and that moment is not drift.
 * Observe-mode verdicts are held open for `verdictHoldOffMs` after they were last seen
 * (`verdictSeen`, the caller's memory too), so a flapping verdict is announced once, not at each
 * flap. Returns how many conditions were newly announced.
 */
export async function watchConditions(
  deps: Deps,
  config: NotifyConfig,
  {
    driftSeen = new Map<string, number>(),
    driftGraceMs = 15_000,
    verdictSeen = new Map<string, number>(),
    verdictHoldOffMs = 10 * 60_000,
  }: { driftSeen?: Map<string, number>; driftGraceMs?: number; verdictSeen?: Map<string, number>; verdictHoldOffMs?: number } = {},
): Promise<number> {
  const rollouts = (await listRollouts(deps)).filter((rollout) => rollout.status !== "draft" && rollout.status !== "archived");
  const traffic = await readAllLiveTraffic(deps);
  const observed = rollouts.filter((r) => isLive(r.status) && r.analysis?.mode === "observe");
  const history = await evaluationsSince(deps.db, new Map(observed.map((r) => [r.id, r.stepStartedAt ?? r.updatedAt])), { limitPerRollout: 500 });
  const now = deps.now();
  const active: { rolloutId: string; condition: string }[] = [];
  let opened = 0;
  for (const rollout of rollouts) {
    const live = traffic[rollout.id];
    const known = live?.state === "ok" ? { canaryWeight: live.canaryWeight, drift: live.drift } : null;
    if (known?.drift) driftSeen.set(rollout.id, driftSeen.get(rollout.id) ?? now.getTime());
    else if (known) driftSeen.delete(rollout.id);
    const drifting = known?.drift === true && now.getTime() - driftSeen.get(rollout.id)! >= driftGraceMs;
    const observeDecision = history.has(rollout.id) ? decideForRollout(rollout, history.get(rollout.id)!, now) : null;
    const waitingMinutes = rollout.notifications?.waitingMinutes ?? config.waitingMinutes;
    for (const condition of conditionsOf({ rollout, live: known && { ...known, drift: drifting }, observeDecision, waitingMinutes, now })) {
      active.push({ rolloutId: rollout.id, condition: condition.key });
      const destinations = destinationsFor(config, rollout.notifications, condition.type);
      if (destinations.length === 0) continue;
      const summary = { id: rollout.id, name: rollout.name, namespace: rollout.namespace };
      const isNew = await openCondition(deps.db, {
        rolloutId: rollout.id,
        condition: condition.key,
        since: condition.since,
        deliveries: (since) => {
          const notice = noticeFromCondition({
            id: `condition:${rollout.id}:${condition.key}:${since.getTime()}`,
            type: condition.type,
            text: condition.text,
            since,
            rollout: summary,
            baseUrl: config.baseUrl,
          });
          return destinations.map((d) => ({ eventKey: notice.id, destination: d.id, rolloutId: rollout.id, kind: d.kind, message: notice }));
        },
      });
      if (isNew) opened++;
    }
    // Unknown live weights: keep an open drift condition open rather than announcing it again later.
    if (!known || (known.drift && !drifting)) active.push({ rolloutId: rollout.id, condition: "drift" });
  }
  active.push(...heldVerdicts({ seen: verdictSeen, present: active, now, holdOffMs: verdictHoldOffMs }));
  await closeConditionsExcept(deps.db, active);
  return opened;
}
