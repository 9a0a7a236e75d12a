"use client";

import { LocalTime } from "@/components/ui/local-time";
import { WeightBar } from "@/components/ui/weight-bar";
import type { LiveTraffic } from "@/lib/domain/live-traffic";
import type { RolloutJson } from "@/lib/contracts/rollout";
import { useTrafficReadAt } from "@/lib/client/traffic-read-at";
import { useSession } from "@/lib/client/use-session";
import { unexplainedDrift } from "./pending-operation";
import "./rollout-detail.css";

/** Aviary's record beside what the cluster has now, so a hand edit cannot hide. */
export function LiveTrafficFacts({ rollout, live, error }: { rollout: RolloutJson; live: LiveTraffic | undefined; error: string | null }) {
  return (
    <div className="traffic-grid">
      <div>
        <h3 className="subhead">Aviary set</h3>
        <WeightBar canaryWeight={rollout.canaryWeight} />
      </div>
      <div aria-live="polite">
        <h3 className="subhead">Cluster now</h3>
        {live === undefined ? (
          <p className="muted">{error ? `Could not ask Aviary's server: ${error}` : "Reading the VirtualService…"}</p>
        ) : live.state === "ok" ? (
          <>
            <WeightBar canaryWeight={live.canaryWeight} />
            <p className="hint">
              route <span className="mono">{live.routeName ?? "(only route)"}</span> · resourceVersion <span className="mono">{live.resourceVersion}</span> ·
              read <ReadAt rolloutId={rollout.id} fallback={live.readAt} />
            </p>
          </>
        ) : (
          <p className="banner banner-error" role="status">
            <strong>{live.code === "KUBE_UNAVAILABLE" ? "Cluster unreachable" : "Cannot drive this VirtualService"}:</strong> {live.message}
          </p>
        )}
      </div>
    </div>
  );
}

/** The only part that changes while the weights do not: the server's read time of each poll. */
function ReadAt({ rolloutId, fallback }: { rolloutId: string; fallback: string }) {
  return <LocalTime iso={useTrafficReadAt(rolloutId) ?? fallback} />;
}

/** Said in plain words with both numbers; the way out is adopt or roll back, never a silent overwrite. */
export function DriftBanner({
  rollout,
  live,
  onAdopt,
  onRollback,
}: {
  rollout: RolloutJson;
  live: LiveTraffic | undefined;
  onAdopt: () => void;
  onRollback: () => void;
}) {
  const denied = useSession().reason("rollouts.act", "adopt the live weights or roll back");
  if (live?.state !== "ok" || !unexplainedDrift(rollout, live)) return null;
  const canAdopt = rollout.status === "progressing" || rollout.status === "paused";
  return (
    <div className="banner banner-error drift" role="alert">
      <p>
        <strong>Someone changed the weights outside Aviary.</strong> The VirtualService sends <strong>{live.canaryWeight}%</strong> to the canary (
        {live.stableWeight}% stable), but Aviary set <strong>{rollout.canaryWeight}%</strong>. Promotion waits until you adopt the live weights or roll back.
      </p>
      <div className="actions">
        {canAdopt ? (
          <button type="button" className="button" onClick={onAdopt} disabled={denied !== null} title={denied ?? undefined}>
            Adopt live weights ({live.canaryWeight}%)
          </button>
        ) : null}
        <button type="button" className="button button-danger" onClick={onRollback} disabled={denied !== null} title={denied ?? undefined}>
          Roll back to stable
        </button>
      </div>
      {denied ? <p className="hint">{denied}</p> : null}
    </div>
  );
}
