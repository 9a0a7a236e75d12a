"use client";

import { LocalTime } from "@/components/ui/local-time";
import type { LiveTraffic } from "@/lib/domain/live-traffic";
import type { RolloutJson } from "@/lib/contracts/rollout";

const NOUN: Record<string, string> = {
  start: "start",
  promote: "promote",
  promote_full: "full promotion",
  rollback: "rollback",
  adopt: "adoption of the live weights",
};

/**
 * The live weights differ from Aviary's record for a reason other than an interrupted operation
 * that set exactly them: that difference is Aviary's own unrecorded write, not someone else's
 * edit, and the next action or the sweep records it before anything builds on it.
 */
export function unexplainedDrift(rollout: RolloutJson, live: LiveTraffic | undefined): boolean {
  if (live?.state !== "ok" || !live.drift) return false;
  return rollout.pendingOperation?.toCanaryWeight !== live.canaryWeight;
}

/**
 * Reads never repair: while an interrupted operation is unconfirmed the page says so in plain
 * words, with what the cluster shows now, instead of pretending the record is current.
 */
export function PendingOperationBanner({ rollout, live }: { rollout: RolloutJson; live: LiveTraffic | undefined }) {
  const op = rollout.pendingOperation;
  if (!op) return null;
  const noun = NOUN[op.action] ?? op.action.replaceAll("_", " ");
  return (
    <div className="banner banner-warn" role="status" aria-label="Unconfirmed change">
      <p>
        <strong>
          An earlier {noun} to {op.toCanaryWeight}%, started <LocalTime iso={op.startedAt} />, was interrupted before Aviary recorded its result.
        </strong>{" "}
        {live?.state === "ok" ? (
          <>
            The cluster now sends <strong>{live.canaryWeight}%</strong> to the canary; Aviary&apos;s record still says {rollout.canaryWeight}%.{" "}
          </>
        ) : null}
        Aviary will confirm it against the cluster shortly, or on the next action on this rollout.
      </p>
    </div>
  );
}
