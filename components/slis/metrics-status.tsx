"use client";

import { formatFullTime } from "@/components/charts/format";
import { ApiError } from "@/lib/client/api";
import "./slis.css";

/**
 * Why the SLIs are not live, in words: Prometheus not answering, a query it refused, or Aviary
 * itself failing. With older data still on screen, it says from when that data is.
 */
export function MetricsErrorBanner({
  error,
  staleSince,
  retrying,
  intervalSeconds,
  zone,
}: {
  error: Error;
  staleSince: number | null;
  retrying: boolean;
  intervalSeconds: number;
  zone: string;
}) {
  const code = error instanceof ApiError ? error.code : "UNKNOWN";
  const title =
    code === "METRICS_UNAVAILABLE"
      ? "Prometheus unreachable"
      : code === "METRICS_ERROR"
        ? "Prometheus query failed"
        : code === "NOT_FOUND"
          ? "Rollout not found"
          : "SLIs could not be loaded";
  const retry = code === "NOT_FOUND" ? null : retrying ? "Retrying now…" : `Retrying every ${intervalSeconds} s.`;
  return (
    <div className={code === "METRICS_ERROR" ? "banner banner-error" : "banner banner-warn"} role="alert">
      <strong>{title}.</strong> {error.message}
      {retry ? <> {retry}</> : null}
      {staleSince !== null ? (
        <>
          {" "}
          The charts below are <strong>stale</strong>: last updated {formatFullTime(staleSince, zone)}.
        </>
      ) : null}
    </div>
  );
}

export function NoTrafficNotice({ workloads, windowLabel }: { workloads: { namespace: string; stable: string; canary: string }; windowLabel: string }) {
  return (
    <div className="banner banner-info" role="status">
      <strong>No traffic yet.</strong> Prometheus answers, but holds no requests for <span className="mono">{workloads.canary}</span> or{" "}
      <span className="mono">{workloads.stable}</span> in namespace <span className="mono">{workloads.namespace}</span> in the selected window (
      {windowLabel.toLowerCase()}). The charts fill in once the mesh reports requests.
    </div>
  );
}
