"use client";

import { useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { formatBurn, formatMs, formatPercent } from "@/components/charts/format";
import { ApiError } from "@/lib/client/api";
import { metricsApi, type SliOverview, type SliOverviewRow } from "@/lib/client/metrics-api";
import { queryKeys } from "@/lib/client/query-keys";
import { VerdictBadge } from "./burn-verdict";
import "./slis.css";

export const OVERVIEW_POLL_SECONDS = 5;

/**
 * One overview row's SLIs: canary vs stable error rate and P95 with the burn-rate verdict. Every
 * cell observes the same query (one key), so a table of N rollouts makes one request per refresh;
 * each cell only selects its own row.
 */
export function OverviewSliCell({ rolloutId }: { rolloutId: string }) {
  const select = useCallback((overview: SliOverview) => overview.rollouts[rolloutId] ?? null, [rolloutId]);
  const query = useQuery({
    queryKey: queryKeys.metrics.overview,
    queryFn: ({ signal }) => metricsApi.overview(signal),
    select,
    refetchInterval: OVERVIEW_POLL_SECONDS * 1000,
    refetchIntervalInBackground: false,
    retry: false,
  });

  if (query.isPending) return <span className="sli-cell sli-cell-muted">Loading SLIs…</span>;
  const row = query.data;
  const failure = query.isError ? query.error : null;
  if (row === undefined || (failure && row === null)) return <Unavailable error={failure} />;
  if (row === null) return <span className="sli-cell sli-cell-muted">No SLIs yet</span>;
  return <Row row={row} stale={failure} />;
}

function Unavailable({ error }: { error: Error | null }) {
  const code = error instanceof ApiError ? error.code : null;
  const text = code === "METRICS_ERROR" ? "Metrics query failed" : "Metrics unavailable";
  return (
    <span className="sli-cell sli-cell-warn" title={error?.message}>
      {text}
    </span>
  );
}

function Row({ row, stale }: { row: SliOverviewRow; stale: Error | null }) {
  const staleNote = stale ? `Not refreshed: ${stale.message}` : undefined;
  if (row.state === "no_traffic") {
    return (
      <span className={stale ? "sli-cell sli-cell-muted sli-cell-stale" : "sli-cell sli-cell-muted"} title={staleNote}>
        No traffic yet
      </span>
    );
  }
  const { canary, stable, thresholds, burn } = row;
  const errorsHigh = canary.errorRate !== null && canary.errorRate > thresholds.errorRate;
  const slow = canary.p95Ms !== null && canary.p95Ms > thresholds.latencyP95Ms;
  const burnTitle = `Burn rate over 1h: service ${formatBurn(burn.serviceBurnRate)}, canary alone ${formatBurn(burn.canaryBurnRate)}`;
  return (
    <span className={stale ? "sli-cell sli-cell-stale" : "sli-cell"} title={staleNote}>
      <VerdictBadge status={burn.status} suffix={burn.scope === "canary" ? "canary" : undefined} title={burnTitle} />
      <span className="sli-cell-figures">
        <span>
          <span className="sli-cell-label">5xx</span>{" "}
          <strong className={errorsHigh ? "sli-canary sli-alarm" : "sli-canary"}>{formatPercent(canary.errorRate)}</strong>
          <span className="sli-cell-vs"> vs </span>
          <span className="sli-stable">{formatPercent(stable.errorRate)}</span>
        </span>
        <span>
          <span className="sli-cell-label">P95</span> <strong className={slow ? "sli-canary sli-alarm" : "sli-canary"}>{formatMs(canary.p95Ms)}</strong>
          <span className="sli-cell-vs"> vs </span>
          <span className="sli-stable">{formatMs(stable.p95Ms)}</span>
        </span>
      </span>
      <span className="sr-only">canary first, stable second{stale ? "; not refreshed, may be out of date" : ""}</span>
    </span>
  );
}
