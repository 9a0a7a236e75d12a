"use client";

import { useState } from "react";
import { useApprovals } from "@/components/approvals/approvals-panel";
import { ActionDialog } from "@/components/rollouts/action-dialog";
import { ACTION_COPY } from "@/components/rollouts/action-copy";
import { refusalReason, type RolloutAction } from "@/lib/domain/rollout-actions";
import { routeAt } from "@/lib/domain/steps/plan";
import type { LiveTraffic } from "@/lib/domain/live-traffic";
import type { RolloutJson } from "@/lib/contracts/rollout";
import { useSession } from "@/lib/client/use-session";
import { unexplainedDrift } from "./pending-operation";
import "./rollout-detail.css";

/** Which buttons a status shows; the rest would only ever be disabled noise. */
const SHOWN: Record<RolloutJson["status"], RolloutAction[]> = {
  draft: ["start"],
  progressing: ["promote", "promote_full", "pause", "rollback"],
  paused: ["promote", "resume", "rollback"],
  promoted: ["rollback"],
  rolled_back: [],
  archived: [],
};

export function ActionBar({ rollout, live }: { rollout: RolloutJson; live: LiveTraffic | undefined }) {
  const [action, setAction] = useState<RolloutAction | null>(null);
  const session = useSession();
  const drift = unexplainedDrift(rollout, live);
  const next = (rollout.currentStep ?? -1) + 1;
  const nextWeight = next < rollout.steps.length ? routeAt(rollout.steps, next).canaryWeight : undefined;
  const approvals = useApprovals(rollout.id).data;
  const frozen = approvals?.freezes.map((f) => f.description).join("; ") || null;
  const isAdmin = session.session?.role === "admin";

  function disabledReason(candidate: RolloutAction): string | null {
    const denied = session.reason("rollouts.act", "start, promote, pause or roll back");
    if (denied) return denied;
    const refusal = refusalReason(candidate, rollout.status);
    if (refusal) return capitalize(refusal);
    if (drift && candidate !== "rollback" && candidate !== "pause" && candidate !== "resume") {
      return "The live weights differ from Aviary's record: adopt them or roll back first.";
    }
    if (candidate === "promote" || candidate === "promote_full") {
      // Rollback, pause and resume never wait for approvals or a freeze.
      const [first, ...more] = approvals?.blockers ?? [];
      if (first) return `Promotion waits: ${first}${more.length > 0 ? ` (and ${more.length} more, see Approvals)` : ""}.`;
      if (frozen && !isAdmin) return `Promotions are frozen: ${frozen}. An admin may override with a reason.`;
    }
    return null;
  }

  const reasons = [...new Set(SHOWN[rollout.status].map(disabledReason).filter((reason): reason is string => reason !== null))];
  return (
    <div className="action-bar">
      <div className="actions" role="group" aria-label="Rollout actions">
        {SHOWN[rollout.status].map((candidate) => {
          const reason = disabledReason(candidate);
          const label = candidate === "promote" && nextWeight !== undefined ? `Promote to ${nextWeight}%` : ACTION_COPY[candidate].button;
          return (
            <button
              key={candidate}
              type="button"
              className={
                candidate === "rollback" ? "button button-danger" : candidate === "promote" || candidate === "start" ? "button button-primary" : "button"
              }
              disabled={reason !== null}
              aria-disabled={reason !== null}
              title={reason ?? undefined}
              onClick={() => setAction(candidate)}
            >
              {label}
            </button>
          );
        })}
      </div>
      {reasons.map((reason) => (
        <p key={reason} className="hint action-hint">
          {reason}
        </p>
      ))}
      <ActionDialog
        rollout={rollout}
        action={action}
        liveCanaryWeight={live?.state === "ok" ? live.canaryWeight : undefined}
        freezeOverride={action === "promote" || action === "promote_full" ? frozen : null}
        onClose={() => setAction(null)}
      />
    </div>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
