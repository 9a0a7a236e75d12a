"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { memo, Suspense, useEffect, useId, type ReactNode } from "react";
import { formatFullTime, formatPercent } from "@/components/charts/format";
import { useTimeZone } from "@/components/charts/use-time-zone";
import { metricsApi } from "@/lib/client/metrics-api";
import { queryKeys } from "@/lib/client/query-keys";
import { WINDOW_LABELS, type MetricsWindow } from "@/lib/domain/metrics-window";
import { ActionList } from "./action-list";
import { MetricsErrorBanner } from "./metrics-status";
import { useMetricsWindow } from "./use-metrics-window";
import { WindowPicker } from "./window-picker";
import "./slis.css";

export const POLL_SECONDS = 5;

// The charts (Recharts and its dependencies, most of this page's JavaScript) load on their own,
// after the page is interactive and while the first metrics request is under way: they never
// render on the server (the metrics are fetched in the browser), so nothing waits for them.
const loadPanels = () => import("./sli-panels");
const SliPanels = dynamic(() => loadPanels().then((m) => m.SliPanels), { ssr: false, loading: () => <Placeholder text="Loading SLIs…" /> });
const NoTraffic = dynamic(() => loadPanels().then((m) => m.NoTrafficPanels), { ssr: false, loading: () => <Placeholder text="Loading SLIs…" /> });

export type RolloutSlisProps = {
  rolloutId: string;
  slo: { availability: number; latencyP95Ms: number };
  /** The window shown when the URL names none. */
  defaultWindow?: MetricsWindow;
};

/**
 * Live SLIs of one rollout, canary against stable. Owns the window picker (kept in the URL as
 * ?window=) and polls every 5 s while the tab is visible. On a failed refresh the last answer
 * stays on screen, dimmed and labelled stale, under a banner saying what failed.
 */
// Memoised: the page around it re-renders every second (live traffic, countdowns), and redrawing
// every chart each time blocked the main thread for 50-150 ms per second. The charts change when
// their own query (every 5 s) or the SLO does.
export const RolloutSlis = memo(function RolloutSlis(props: RolloutSlisProps) {
  // useSearchParams needs a Suspense boundary so a statically rendered page keeps its shell.
  return (
    <Suspense fallback={<SlisFrame slo={props.slo} headingId="slis-heading-fallback" picker={null} body={<Placeholder text="Loading SLIs…" />} />}>
      <LiveSlis {...props} />
    </Suspense>
  );
}, sameProps);

function sameProps(a: RolloutSlisProps, b: RolloutSlisProps): boolean {
  return (
    a.rolloutId === b.rolloutId && a.slo.availability === b.slo.availability && a.slo.latencyP95Ms === b.slo.latencyP95Ms && a.defaultWindow === b.defaultWindow
  );
}

function LiveSlis({ rolloutId, slo, defaultWindow }: RolloutSlisProps) {
  const headingId = useId();
  const zone = useTimeZone();
  const [metricsWindow, setMetricsWindow] = useMetricsWindow(defaultWindow);
  useEffect(() => void loadPanels(), []);
  const query = useQuery({
    queryKey: queryKeys.metrics.rollout(rolloutId, metricsWindow),
    queryFn: ({ signal }) => metricsApi.rolloutMetrics(rolloutId, metricsWindow, signal),
    refetchInterval: POLL_SECONDS * 1000,
    refetchIntervalInBackground: false,
    // Switching windows keeps the old charts (dimmed) until the new ones arrive: never blank.
    placeholderData: keepPreviousData,
    // The poll is the retry: a failure shows at once, and the next tick tries again.
    retry: false,
  });
  const data = query.data;
  const stale = query.isError && data !== undefined;
  const switching = query.isPlaceholderData;

  let body;
  if (data) {
    body = (
      <div className={stale || switching ? "slis-body slis-stale" : "slis-body"} aria-busy={switching}>
        {switching ? <p className="slis-switching">Loading {WINDOW_LABELS[metricsWindow].toLowerCase()}…</p> : null}
        {data.state === "no_traffic" ? <NoTraffic data={data} windowLabel={WINDOW_LABELS[data.window]} /> : <SliPanels data={data} />}
        <ActionList markers={data.markers} zone={zone} />
      </div>
    );
  } else if (query.isError) {
    body = null; // the banner says what failed; there is nothing older to show
  } else {
    body = <Placeholder text="Loading SLIs…" />;
  }

  return (
    <SlisFrame
      slo={slo}
      headingId={headingId}
      picker={<WindowPicker value={metricsWindow} onChange={setMetricsWindow} />}
      meta={data ? `Updated ${formatFullTime(query.dataUpdatedAt, zone)} · every ${POLL_SECONDS} s while this tab is visible · times in ${zone}` : null}
      banner={
        query.isError ? (
          <MetricsErrorBanner
            error={query.error}
            staleSince={stale ? query.dataUpdatedAt : null}
            retrying={query.isFetching}
            intervalSeconds={POLL_SECONDS}
            zone={zone}
          />
        ) : null
      }
      body={body}
    />
  );
}

function SlisFrame({
  slo,
  headingId,
  picker,
  meta = null,
  banner = null,
  body,
}: {
  slo: RolloutSlisProps["slo"];
  headingId: string;
  picker: ReactNode;
  meta?: string | null;
  banner?: ReactNode;
  body: ReactNode;
}) {
  return (
    <section className="panel slis" aria-labelledby={headingId}>
      <div className="slis-header">
        <div>
          <h2 id={headingId}>Service level indicators</h2>
          <p className="muted slis-objective">
            Objective: {slo.availability}% of requests succeed (error rate ≤ {formatPercent(1 - slo.availability / 100)}), P95 ≤ {slo.latencyP95Ms} ms
          </p>
        </div>
        {picker}
      </div>
      {banner}
      {body}
      {meta ? <p className="muted slis-meta">{meta}</p> : null}
    </section>
  );
}

function Placeholder({ text }: { text: string }) {
  return (
    <div className="slis-placeholder" role="status">
      {text}
    </div>
  );
}
