"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { AnalysisPanel } from "@/components/analysis/analysis-panel";
import { ApprovalsPanel } from "@/components/approvals/approvals-panel";
import { RolloutNotifications } from "@/components/notifications/rollout-notifications";
import { ActionDialog } from "@/components/rollouts/action-dialog";
import { RolloutSlis } from "@/components/slis/rollout-slis";
import { LocalTime } from "@/components/ui/local-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { useSession } from "@/lib/client/use-session";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { DERIVED_GATE_COUNT } from "@/lib/domain/analysis/derived-gate-count";
import { fittingWindow } from "@/lib/domain/metrics-window";
import { describeDestination } from "@/lib/domain/rollout";
import type { RolloutAction } from "@/lib/domain/rollout-actions";
import { canEdit } from "@/lib/domain/rollout-lifecycle";
import type { AuditEventJson } from "@/lib/contracts/audit-event";
import type { RolloutJson } from "@/lib/contracts/rollout";
import { ActionBar } from "./action-bar";
import { ArchiveButton } from "./archive-button";
import { DriftBanner, LiveTrafficFacts } from "./live-traffic";
import { PendingOperationBanner } from "./pending-operation";
import { RecentEvents } from "./recent-events";
import { StepTimeline } from "./step-timeline";
import "./rollout-detail.css";

/** Polled each second: an action taken by someone else shows here within that time. */
const LIVE_MS = 1_000;

export function RolloutDetailView({ initial, demoFaults = false }: { initial: RolloutJson; demoFaults?: boolean }) {
  const query = useQuery({
    queryKey: queryKeys.rollouts.detail(initial.id),
    queryFn: () => api.getRollout(initial.id),
    initialData: initial,
    refetchInterval: LIVE_MS,
  });
  const rollout = query.data;
  const live = useQuery({
    queryKey: queryKeys.rollouts.traffic(initial.id),
    queryFn: () => api.liveTraffic(initial.id),
    refetchInterval: rollout.status === "archived" ? false : LIVE_MS,
  });
  const events = useQuery({
    queryKey: queryKeys.rollouts.events(initial.id),
    queryFn: () => api.events(initial.id),
    refetchInterval: LIVE_MS,
  });
  const [bannerAction, setBannerAction] = useState<RolloutAction | null>(null);
  // Chosen once per visit: a window that fits the rollout, unless the link names one.
  const [defaultWindow] = useState(() => fittingWindow({ createdAt: new Date(initial.createdAt), status: initial.status, now: new Date() }));
  const defineDenied = useSession().reason("rollouts.define", "edit or archive rollouts");
  const liveTraffic = live.data?.live;

  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/">Rollouts</Link> / <span aria-current="page">{rollout.name}</span>
      </nav>
      <div className="page-header">
        <div>
          <h1>
            {rollout.name} <StatusBadge status={rollout.status} />
          </h1>
          <p className="muted">
            VirtualService{" "}
            <span className="mono">
              {rollout.namespace}/{rollout.virtualService}
            </span>
            {rollout.route ? (
              <>
                {" "}
                · route <span className="mono">{rollout.route}</span>
              </>
            ) : (
              " · its only HTTP route"
            )}{" "}
            · cluster <span className="mono">{rollout.cluster}</span> · revision {rollout.revision}
          </p>
          <LastChange status={rollout.status} events={events.data?.events} />
        </div>
        <ActionBar rollout={rollout} live={liveTraffic} />
      </div>
      {query.isError ? (
        <p className="banner banner-warn" role="alert">
          Live updates stopped: {query.error.message}. The values below may be out of date.
        </p>
      ) : null}
      <PendingOperationBanner rollout={rollout} live={liveTraffic} />
      <DriftBanner rollout={rollout} live={liveTraffic} onAdopt={() => setBannerAction("adopt")} onRollback={() => setBannerAction("rollback")} />
      <ActionDialog
        rollout={rollout}
        action={bannerAction}
        liveCanaryWeight={liveTraffic?.state === "ok" ? liveTraffic.canaryWeight : undefined}
        onClose={() => setBannerAction(null)}
      />

      <section className="panel" aria-labelledby="traffic-heading">
        <h2 id="traffic-heading">Traffic</h2>
        <LiveTrafficFacts rollout={rollout} live={liveTraffic} error={live.isError ? live.error.message : null} />
        <StepTimeline steps={rollout.steps} currentStep={rollout.currentStep} status={rollout.status} stepStartedAt={rollout.stepStartedAt} />
      </section>

      <RolloutSlis rolloutId={rollout.id} slo={rollout.slo} defaultWindow={defaultWindow} />
      <AnalysisPanel
        rolloutId={rollout.id}
        gateCount={rollout.analysis ? (rollout.analysis.gates?.length ?? DERIVED_GATE_COUNT) : null}
        demoFaults={demoFaults}
      />
      <ApprovalsPanel rollout={rollout} />

      <section className="panel" aria-labelledby="activity-heading">
        <div className="panel-header">
          <h2 id="activity-heading">Recent activity</h2>
          <Link className="button" href={`/rollouts/${rollout.id}/timeline`}>
            Full timeline
          </Link>
        </div>
        <RecentEvents events={events.data?.events} error={events.isError ? events.error.message : null} />
      </section>

      <RolloutNotifications rolloutId={rollout.id} />

      <section className="panel" aria-labelledby="definition-heading">
        <div className="panel-header">
          <h2 id="definition-heading">Definition</h2>
          <div className="actions">
            {defineDenied ? (
              <span className="hint">{defineDenied}</span>
            ) : (
              <>
                {canEdit(rollout.status) ? (
                  <Link className="button" href={`/rollouts/${rollout.id}/edit`}>
                    Edit
                  </Link>
                ) : null}
                <ArchiveButton rollout={rollout} />
              </>
            )}
          </div>
        </div>
        <dl className="facts">
          <dt>Stable</dt>
          <dd className="mono">{describeDestination(rollout.stable)}</dd>
          <dt>Canary</dt>
          <dd className="mono">{describeDestination(rollout.canary)}</dd>
          <dt>Workloads (Istio metrics)</dt>
          <dd className="mono">
            {rollout.metrics.stableWorkload} → {rollout.metrics.canaryWorkload}
          </dd>
          <dt>Availability objective</dt>
          <dd>
            {rollout.slo.availability}% (error budget {(100 - rollout.slo.availability).toFixed(3).replace(/\.?0+$/, "")}%)
          </dd>
          <dt>Latency objective</dt>
          <dd>P95 ≤ {rollout.slo.latencyP95Ms} ms</dd>
          <dt>Created</dt>
          <dd>
            <LocalTime iso={rollout.createdAt} />
          </dd>
          <dt>Last change</dt>
          <dd>
            <LocalTime iso={rollout.updatedAt} />
          </dd>
          {rollout.archivedAt ? (
            <>
              <dt>Archived</dt>
              <dd>
                <LocalTime iso={rollout.archivedAt} />
              </dd>
            </>
          ) : null}
        </dl>
      </section>
    </>
  );
}

const PAST_TENSE: Record<string, string> = {
  start: "Started",
  promote: "Promoted",
  promote_full: "Fully promoted",
  pause: "Paused",
  resume: "Resumed",
  rollback: "Rolled back",
  adopt: "Live weights adopted",
};

/** "Paused by alice@example.com at 14:02 CET: investigating a blip": who put it in this state. */
function LastChange({ status, events }: { status: RolloutJson["status"]; events: AuditEventJson[] | undefined }) {
  const last = events?.find((event) => event.outcome === "success" && event.after?.status === status);
  if (!last || status === "draft") return null;
  return (
    <p className="last-change">
      {PAST_TENSE[last.action] ?? last.action} by <strong>{last.actor.email ?? last.actor.id}</strong> at <LocalTime iso={last.at} />
      {last.reason ? <> — “{last.reason}”</> : null}
    </p>
  );
}
