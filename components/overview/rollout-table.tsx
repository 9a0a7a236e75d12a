"use client";

import Link from "next/link";
import { Fragment } from "react";
import { OverviewSliCell } from "@/components/slis/overview-sli-cell";
import { LocalTime } from "@/components/ui/local-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { WeightBar } from "@/components/ui/weight-bar";
import type { OverviewRowJson } from "@/lib/contracts/overview";
import type { Attention } from "@/lib/domain/attention";
import type { LiveTraffic } from "@/lib/domain/live-traffic";
import { isAllowed } from "@/lib/domain/rollout-actions";
import styles from "./overview.module.css";
import "./overview.css";

export type ListedRollout = { rollout: OverviewRowJson; attention: Attention };

type Props = {
  caption: string;
  rows: readonly ListedRollout[];
  liveOf: (id: string) => LiveTraffic | undefined;
  onRollBack: (rollout: OverviewRowJson) => void;
  /** Why the caller may not roll back (role), or null. */
  actDenied: string | null;
};

const COLUMNS = 9;

/** One section's rollouts: the overview's columns, with each one's attention reasons in a full-width row beneath it. */
export function RolloutTable({ caption, rows, liveOf, onRollBack, actDenied }: Props) {
  return (
    <table className="table">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Rollout</th>
          <th scope="col">Service</th>
          <th scope="col">Status</th>
          <th scope="col">Traffic</th>
          <th scope="col">SLIs, canary vs stable (5 min)</th>
          <th scope="col">Step</th>
          <th scope="col">Updated</th>
          <th scope="col">Age</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ rollout, attention }) => (
          <Fragment key={rollout.id}>
            <tr className={attention.reasons.length > 0 ? styles.withReasons : undefined}>
              <td>
                <Link href={`/rollouts/${rollout.id}`} className="strong-link">
                  {rollout.name}
                </Link>
              </td>
              <td>
                <span className="mono">
                  {rollout.namespace}/{rollout.virtualService}
                </span>
                {rollout.cluster !== "default" ? <span className="muted"> on {rollout.cluster}</span> : null}
              </td>
              <td>
                <StatusBadge status={rollout.status} />
              </td>
              <td>
                <WeightBar canaryWeight={rollout.canaryWeight} compact />
                <LiveFlag live={liveOf(rollout.id)} status={rollout.status} />
              </td>
              <td>
                <OverviewSliCell rolloutId={rollout.id} />
              </td>
              <td>{rollout.currentStep === null ? <span className="muted">not started</span> : `${rollout.currentStep + 1} of ${rollout.steps.length}`}</td>
              <td>
                <LocalTime iso={rollout.updatedAt} relative />
              </td>
              <td>
                <LocalTime iso={rollout.createdAt} relative />
              </td>
              <td>
                {isAllowed("rollback", rollout.status) ? (
                  <button
                    type="button"
                    className="button button-danger button-small"
                    onClick={() => onRollBack(rollout)}
                    aria-label={`Roll back ${rollout.name}`}
                    disabled={actDenied !== null}
                    title={actDenied ?? undefined}
                  >
                    Roll back
                  </button>
                ) : null}
              </td>
            </tr>
            {attention.reasons.length > 0 ? (
              <tr className={styles.reasonsRow}>
                <td colSpan={COLUMNS}>
                  <ul
                    className={attention.group === "needs-you" ? styles.reasons : `${styles.reasons} ${styles.reasonsQuiet}`}
                    aria-label={`Why: ${rollout.name}`}
                  >
                    {attention.reasons.map((reason) => (
                      <li key={reason}>{reason}</li>
                    ))}
                  </ul>
                  {attention.group === "needs-you" ? (
                    <span className={styles.since}>
                      since <LocalTime iso={new Date(attention.sortKey[2]).toISOString()} />
                    </span>
                  ) : null}
                </td>
              </tr>
            ) : null}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

/** Drift and unreachable clusters show on the overview too, not only on the detail page. */
function LiveFlag({ live, status }: { live: LiveTraffic | undefined; status: OverviewRowJson["status"] }) {
  if (!live || status === "archived") return null;
  if (live.state === "error") {
    return (
      <span className="drift-flag" title={live.message}>
        {live.code === "KUBE_UNAVAILABLE" ? "cluster unreachable" : "VirtualService problem"}
      </span>
    );
  }
  if (!live.drift) return null;
  return (
    <span className="drift-flag" title="Someone changed the weights outside Aviary">
      drift: cluster has {live.canaryWeight}% canary
    </span>
  );
}
