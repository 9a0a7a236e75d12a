"use client";

import { useMemo, type ReactNode } from "react";
import { BurnRateChart } from "@/components/charts/burn-rate-chart";
import { CHART_COLORS } from "@/components/charts/colors";
import { ErrorBudgetMeter } from "@/components/charts/error-budget-meter";
import { formatBurn, formatMs, formatPercent, formatRps, formatThreshold } from "@/components/charts/format";
import { TimeSeriesChart, type ChartMarker } from "@/components/charts/time-series-chart";
import type { RolloutMetrics } from "@/lib/client/metrics-api";
import { latestValue } from "@/lib/domain/burn-summary";
import { BURN_WINDOWS } from "@/lib/domain/slo";
import { BurnVerdictText } from "./burn-verdict";
import { NoTrafficNotice } from "./metrics-status";
import { ANALYSIS_ACTOR } from "@/lib/domain/actor";
import "./slis.css";

/**
 * The six SLI panels of one rollout, from a ready RolloutMetrics answer. TanStack Query keeps the
 * parts of a new answer that did not change (same arrays), and what is derived here from them is
 * memoised on them, so a chart whose data is the same is skipped (TimeSeriesChart, BurnRateChart).
 */
export function SliPanels({ data }: { data: RolloutMetrics }) {
  const domain = [data.range.start, data.range.end] as const;
  const markers = useMemo(() => chartMarkers(data.markers), [data.markers]);
  const now = {
    canary: {
      errorRate: latestValue(data.canary.errorRate),
      p95: latestValue(data.canary.p95Ms),
      p99: latestValue(data.canary.p99Ms),
      rps: latestValue(data.canary.requestRate),
    },
    stable: {
      errorRate: latestValue(data.stable.errorRate),
      p95: latestValue(data.stable.p95Ms),
      p99: latestValue(data.stable.p99Ms),
      rps: latestValue(data.stable.requestRate),
    },
    observed: latestValue(data.split.observed),
  };
  const { thresholds, burn } = data;
  const burnRows = useMemo(() => BURN_WINDOWS.map((w) => ({ window: w, service: burn.service.burnRate[w], canary: burn.canary.burnRate[w] })), [burn]);
  // The paging lines (14.4 over 1h/5m, 6 over 6h/30m); the 1x ticket line would crowd the floor
  // of the chart, and the verdict above names it when it fires.
  const burnThresholds = useMemo(
    () =>
      burn.conditions
        .filter((c) => c.severity === "page")
        .map((c) => ({ value: c.threshold, label: `${formatThreshold(c.threshold)} page (${c.long} & ${c.short})` })),
    [burn.conditions],
  );
  const over = (value: number | null, limit: number) => value !== null && value > limit;

  return (
    <div className="sli-grid">
      <Panel
        title="Error rate (5xx)"
        now={
          <CanaryVsStable
            canary={formatPercent(now.canary.errorRate)}
            stable={formatPercent(now.stable.errorRate)}
            alarm={over(now.canary.errorRate, thresholds.errorRate)}
          />
        }
      >
        <TimeSeriesChart
          label="Error rate, canary against stable, in percent"
          unit="percent"
          domain={domain}
          markers={markers}
          thresholds={[{ value: thresholds.errorRate, label: "objective" }]}
          series={[
            { key: "canary", name: "Canary", color: CHART_COLORS.canary, points: data.canary.errorRate },
            { key: "stable", name: "Stable", color: CHART_COLORS.stable, points: data.stable.errorRate },
          ]}
        />
      </Panel>

      <Panel title="Burn rate" now={<BurnVerdictText burn={burn} />}>
        <BurnRateChart
          label="Error-budget burn rate per window, service and canary alone, against the alert thresholds"
          rows={burnRows}
          thresholds={burnThresholds}
        />
      </Panel>

      <Panel
        title="Traffic split"
        now={
          <span className="sli-now">
            set <strong>{data.split.currentWeight}%</strong> · observed <strong className="sli-canary">{formatPercent(now.observed)}</strong> canary
          </span>
        }
      >
        <TimeSeriesChart
          label="Canary share of traffic: the weight Aviary set against the share Prometheus observed"
          unit="percent"
          domain={domain}
          markers={markers}
          yMax={1}
          series={[
            { key: "set", name: "Set by Aviary", color: CHART_COLORS.set, points: data.split.set, step: true, dashed: true },
            { key: "observed", name: "Observed (canary)", color: CHART_COLORS.canary, points: data.split.observed },
          ]}
        />
      </Panel>

      <Panel
        title="Latency P95"
        now={
          <>
            <CanaryVsStable canary={formatMs(now.canary.p95)} stable={formatMs(now.stable.p95)} alarm={over(now.canary.p95, thresholds.latencyP95Ms)} />
            <span className="sli-now-sub">
              P99 {formatMs(now.canary.p99)} / {formatMs(now.stable.p99)}
            </span>
          </>
        }
      >
        <TimeSeriesChart
          label="P95 latency, canary against stable, in milliseconds"
          unit="ms"
          domain={domain}
          markers={markers}
          thresholds={[{ value: thresholds.latencyP95Ms, label: "objective" }]}
          series={[
            { key: "canary", name: "Canary P95", color: CHART_COLORS.canary, points: data.canary.p95Ms },
            { key: "stable", name: "Stable P95", color: CHART_COLORS.stable, points: data.stable.p95Ms },
          ]}
        />
      </Panel>

      <Panel title="Request rate" now={<CanaryVsStable canary={formatRps(now.canary.rps)} stable={formatRps(now.stable.rps)} />}>
        <TimeSeriesChart
          label="Requests per second, canary and stable"
          unit="rps"
          domain={domain}
          markers={markers}
          series={[
            { key: "canary", name: "Canary", color: CHART_COLORS.canary, points: data.canary.requestRate },
            { key: "stable", name: "Stable", color: CHART_COLORS.stable, points: data.stable.requestRate },
          ]}
        />
      </Panel>

      <Panel title={`Error budget (${burn.budget.period})`} now={<span className="sli-now">service, objective {data.slo.availability}%</span>}>
        <ErrorBudgetMeter remaining={burn.budget.remaining} period={burn.budget.period} />
        <LatencyShare data={data} />
      </Panel>
    </div>
  );
}

/** Only actions that changed something are drawn; refused and failed attempts stay in the action list below. */
function chartMarkers(markers: RolloutMetrics["markers"]): ChartMarker[] {
  return markers
    .filter((m) => m.outcome === "success")
    .map((m) => ({ t: m.t, label: m.actor === ANALYSIS_ACTOR.id ? `${m.action} (auto)` : m.action, muted: false }));
}

function Panel({ title, now, children }: { title: string; now: ReactNode; children: ReactNode }) {
  return (
    <section className="sli-panel" aria-label={title}>
      <header className="sli-panel-header">
        <h3>{title}</h3>
        <div className="sli-panel-now">{now}</div>
      </header>
      {children}
    </section>
  );
}

function CanaryVsStable({ canary, stable, alarm = false }: { canary: string; stable: string; alarm?: boolean }) {
  return (
    <span className="sli-now">
      <strong className={alarm ? "sli-canary sli-alarm" : "sli-canary"}>
        {alarm ? <span aria-label="above objective">▲ </span> : null}
        {canary}
      </strong>{" "}
      canary vs <strong className="sli-stable">{stable}</strong> stable
    </span>
  );
}

function LatencyShare({ data }: { data: RolloutMetrics }) {
  const { latency } = data.burn;
  const share = (w: { slowShare: Record<string, number | null> | null }) => formatPercent(w.slowShare?.["1h"] ?? null);
  if (latency.boundMs === null) {
    return <p className="muted">The latency objective ({latency.thresholdMs} ms) is above every histogram bucket, so the slow share cannot be counted.</p>;
  }
  const counted =
    latency.boundMs === latency.thresholdMs ? `${latency.thresholdMs} ms` : `${latency.thresholdMs} ms (counted at the ${latency.boundMs} ms bucket)`;
  return (
    <div className="sli-latency-share">
      <h4>Requests slower than {counted}, last hour</h4>
      <p>
        <strong className="sli-canary">{share(latency.canary)}</strong> canary · <strong className="sli-stable">{share(latency.stable)}</strong> stable ·{" "}
        <strong>{share(latency.service)}</strong> service
      </p>
      <p className="muted">
        A P95 objective allows {formatPercent(latency.allowedSlowShare)}: latency burn canary {formatBurn(latency.canary.burnRate?.["1h"])}, service{" "}
        {formatBurn(latency.service.burnRate?.["1h"])}.
      </p>
    </div>
  );
}

/** No requests yet: say so, and still show the weight Aviary set, which does not depend on traffic. */
export function NoTrafficPanels({ data, windowLabel }: { data: RolloutMetrics; windowLabel: string }) {
  return (
    <>
      <NoTrafficNotice workloads={data.workloads} windowLabel={windowLabel} />
      <section className="sli-panel" aria-label="Traffic split">
        <header className="sli-panel-header">
          <h3>Traffic split</h3>
          <div className="sli-panel-now">
            set <strong>{data.split.currentWeight}%</strong> canary · nothing observed yet
          </div>
        </header>
        <TimeSeriesChart
          label="Canary weight set by Aviary"
          unit="percent"
          domain={[data.range.start, data.range.end]}
          yMax={1}
          markers={data.markers.map((m) => ({ t: m.t, label: m.action, muted: m.outcome !== "success" }))}
          series={[{ key: "set", name: "Set by Aviary", color: CHART_COLORS.set, points: data.split.set, step: true, dashed: true }]}
        />
      </section>
    </>
  );
}
