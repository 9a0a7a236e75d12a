"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ActionDialog } from "@/components/rollouts/action-dialog";
import { OverviewSliCell } from "@/components/slis/overview-sli-cell";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { WeightBar } from "@/components/ui/weight-bar";
import { useSession } from "@/lib/client/use-session";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { LiveTraffic } from "@/lib/domain/live-traffic";
import { isAllowed } from "@/lib/domain/rollout-actions";
import type { RolloutJson } from "@/lib/contracts/rollout";

export function RolloutsView({ initial, includeArchived }: { initial: RolloutJson[]; includeArchived: boolean }) {
  const query = useQuery({
    queryKey: queryKeys.rollouts.list({ includeArchived }),
    queryFn: () => api.listRollouts({ includeArchived }),
    initialData: { rollouts: initial },
    refetchInterval: 5_000,
  });
  const rollouts = query.data.rollouts;
  const createDenied = useSession().reason("rollouts.define", "create rollouts");
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Rollouts</h1>
          <p className="muted">
            {rollouts.length} {includeArchived ? "rollouts, archived included" : "active and past rollouts"}
          </p>
        </div>
        <div className="actions">
          <Link className="button" href={includeArchived ? "/" : "/?archived=1"}>
            {includeArchived ? "Hide archived" : "Show archived"}
          </Link>
          {createDenied ? (
            <button type="button" className="button button-primary" disabled title={createDenied}>
              New rollout
            </button>
          ) : (
            <Link className="button button-primary" href="/rollouts/new">
              New rollout
            </Link>
          )}
        </div>
      </div>
      {query.isError ? (
        <p className="banner banner-warn" role="alert">
          Could not refresh the list: {query.error.message}. Showing what was loaded last.
        </p>
      ) : null}
      {rollouts.length === 0 ? <NoRollouts /> : <RolloutTable rollouts={rollouts} />}
    </>
  );
}

function RolloutTable({ rollouts }: { rollouts: RolloutJson[] }) {
  const live = useQuery({ queryKey: queryKeys.rollouts.allTraffic, queryFn: api.allLiveTraffic, refetchInterval: 5_000 });
  const [rollingBack, setRollingBack] = useState<RolloutJson | null>(null);
  const actDenied = useSession().reason("rollouts.act", "roll back");
  const liveOf = (id: string) => live.data?.traffic[id];
  return (
    <>
      <table className="table">
        <caption className="sr-only">Rollouts, most recently changed first</caption>
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
          {rollouts.map((rollout) => (
            <tr key={rollout.id}>
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
                    onClick={() => setRollingBack(rollout)}
                    aria-label={`Roll back ${rollout.name}`}
                    disabled={actDenied !== null}
                    title={actDenied ?? undefined}
                  >
                    Roll back
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rollingBack ? (
        <ActionDialog
          rollout={rollingBack}
          action="rollback"
          liveCanaryWeight={(() => {
            const current = liveOf(rollingBack.id);
            return current?.state === "ok" ? current.canaryWeight : undefined;
          })()}
          onClose={() => setRollingBack(null)}
        />
      ) : null}
    </>
  );
}

/** Drift and unreachable clusters show on the overview too, not only on the detail page. */
function LiveFlag({ live, status }: { live: LiveTraffic | undefined; status: RolloutJson["status"] }) {
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

function NoRollouts() {
  const createDenied = useSession().reason("rollouts.define", "create rollouts");
  return (
    <EmptyState title="No rollouts yet">
      <p>A rollout tells Aviary which VirtualService route to drive, the canary steps (for example 5% → 25% → 50% → 100%) and the SLOs to watch.</p>
      <p>
        {createDenied ? (
          <span className="hint">{createDenied}</span>
        ) : (
          <Link className="button button-primary" href="/rollouts/new">
            Create your first rollout
          </Link>
        )}
      </p>
      <p className="muted">
        Or from a script: <code>curl -X POST -H &apos;content-type: application/json&apos; --data @rollout.json /api/rollouts</code>
      </p>
    </EmptyState>
  );
}
