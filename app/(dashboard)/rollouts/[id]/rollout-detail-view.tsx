"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { LocalTime } from "@/components/ui/local-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { WeightBar } from "@/components/ui/weight-bar";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { describeDestination } from "@/lib/domain/rollout";
import { canEdit } from "@/lib/domain/rollout-lifecycle";
import type { RolloutJson } from "@/lib/http/rollout-json";
import { ArchiveButton } from "./archive-button";
import { StepTimeline } from "./step-timeline";

export function RolloutDetailView({ initial }: { initial: RolloutJson }) {
  const query = useQuery({
    queryKey: queryKeys.rollouts.detail(initial.id),
    queryFn: () => api.getRollout(initial.id),
    initialData: initial,
    refetchInterval: 2_000,
  });
  const rollout = query.data;
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
            VirtualService <span className="mono">{rollout.namespace}/{rollout.virtualService}</span>
            {rollout.route ? <> · route <span className="mono">{rollout.route}</span></> : " · its only HTTP route"} · cluster{" "}
            <span className="mono">{rollout.cluster}</span> · revision {rollout.revision}
          </p>
        </div>
        <div className="actions">
          {canEdit(rollout.status) ? (
            <Link className="button" href={`/rollouts/${rollout.id}/edit`}>
              Edit
            </Link>
          ) : null}
          <ArchiveButton rollout={rollout} />
        </div>
      </div>
      {query.isError ? (
        <p className="banner banner-warn" role="alert">
          Live updates stopped: {query.error.message}. The values below may be out of date.
        </p>
      ) : null}

      <section className="panel" aria-labelledby="traffic-heading">
        <h2 id="traffic-heading">Traffic</h2>
        <WeightBar canaryWeight={rollout.canaryWeight} />
        <StepTimeline steps={rollout.steps} currentStep={rollout.currentStep} status={rollout.status} />
      </section>

      <section className="panel" aria-labelledby="definition-heading">
        <h2 id="definition-heading">Definition</h2>
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
          <dd>{rollout.slo.availability}% (error budget {(100 - rollout.slo.availability).toFixed(3).replace(/\.?0+$/, "")}%)</dd>
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
