"use client";

import { memo, useCallback, useMemo } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { mergeSeries, type Point } from "@/lib/domain/series";
import { CHART_COLORS } from "./colors";
import { formatFullTime, formatTick, formatTickTime, formatValue, NO_VALUE, timeTicks, type Unit } from "./format";
import { useElementWidth } from "./use-element-width";
import { useStaggered } from "./use-staggered";
import { useTimeZone } from "./use-time-zone";

export type ChartSeries = {
  key: string;
  name: string;
  color: string;
  points: readonly Point[];
  dashed?: boolean;
  /** Drawn as a step (a value that holds until it is changed, like a set weight). */
  step?: boolean;
  thin?: boolean;
};
/** A horizontal line; its label and value appear in the legend, where they never collide with the data. */
export type ChartThreshold = { value: number; label: string; color?: string };
/** A vertical line at an action; `muted` for one that was refused or failed (it changed nothing). */
export type ChartMarker = { t: number; label: string; muted?: boolean };

export type TimeSeriesChartProps = {
  /** What the chart shows, for assistive technology. */
  label: string;
  series: readonly ChartSeries[];
  unit: Unit;
  /** The x range in unix ms: the queried range, so gaps at either end stay visible. */
  domain: readonly [number, number];
  thresholds?: readonly ChartThreshold[];
  markers?: readonly ChartMarker[];
  height?: number;
  /** Fixes the top of the y axis (1 for a share of traffic); otherwise it follows the data and thresholds. */
  yMax?: number;
};

const NO_THRESHOLDS: readonly ChartThreshold[] = [];
const NO_MARKERS: readonly ChartMarker[] = [];
const MARGIN = { top: 16, right: 16, bottom: 0, left: 0 };
const TICK = { fontSize: 11, fill: CHART_COLORS.axis };
const ACTIVE_DOT = { r: 3 };

/**
 * A line chart of ready series on a time axis. It never fetches. Live-friendly: no dots, no
 * animation, nulls break the line (no data is a gap, never a made-up zero); thresholds are
 * horizontal reference lines, actions vertical ones with their name.
 *
 * Memoised on what it draws (series compared by their points arrays, which TanStack Query keeps
 * when a poll brings the same ones), so a parent that re-renders with equal props costs nothing;
 * the plot itself takes new data in a task of its own (useStaggered), one chart at a time.
 */
export const TimeSeriesChart = memo(function TimeSeriesChart(props: TimeSeriesChartProps) {
  const { label, series, unit, thresholds = NO_THRESHOLDS, height = 200 } = props;
  const [plotRef, width] = useElementWidth<HTMLDivElement>();
  const plot = useMemo(() => (width ? { ...props, width } : null), [props, width]);
  const shown = useStaggered(plot);
  return (
    <figure className="chart" aria-label={label}>
      <ChartLegend series={series} thresholds={thresholds} unit={unit} />
      <div ref={plotRef} style={{ height }}>
        {shown ? <Plot {...shown} /> : null}
      </div>
    </figure>
  );
}, sameChart);

function Plot({ series, unit, domain, thresholds = NO_THRESHOLDS, markers = NO_MARKERS, height = 200, yMax, width }: TimeSeriesChartProps & { width: number }) {
  const zone = useTimeZone();
  const rows = useMemo(() => mergeSeries(Object.fromEntries(series.map((s) => [s.key, s.points]))), [series]);
  const [start, end] = domain;
  const xDomain = useMemo(() => [start, end], [start, end]);
  const ticks = useMemo(() => timeTicks([start, end]), [start, end]);
  const y = useMemo(() => yAxisFor(unit, series, thresholds, yMax), [unit, series, thresholds, yMax]);
  const span = end - start;
  const xTickFormatter = useCallback((t: number) => formatTickTime(t, zone, span), [zone, span]);
  const yTickFormatter = useCallback((v: number) => formatTick(unit, v), [unit]);
  const renderTooltip = useCallback((props: TooltipContentProps) => <ChartTooltip {...props} series={series} unit={unit} zone={zone} />, [series, unit, zone]);
  const markerLines = useMemo(() => {
    const labelled = labelledMarkers(markers, span);
    return markers.map((m) => ({
      marker: m,
      label: labelled.has(m)
        ? { value: m.label, position: "insideTopLeft" as const, fontSize: 10, fill: m.muted ? CHART_COLORS.markerFailed : CHART_COLORS.marker }
        : undefined,
    }));
  }, [markers, span]);
  return (
    <LineChart data={rows} width={width} height={height} margin={MARGIN}>
      <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
      <XAxis dataKey="t" type="number" domain={xDomain} ticks={ticks} allowDataOverflow tickFormatter={xTickFormatter} tick={TICK} />
      <YAxis width={y.width} domain={y.domain} tickCount={5} allowDataOverflow={yMax !== undefined} tickFormatter={yTickFormatter} tick={TICK} />
      <Tooltip content={renderTooltip} isAnimationActive={false} />
      {thresholds.map((t) => (
        <ReferenceLine
          key={`y-${t.label}`}
          y={t.value}
          stroke={t.color ?? CHART_COLORS.threshold}
          strokeDasharray="6 4"
          // Inside the y range already (yAxisFor counts thresholds); "extendDomain" would make
          // Recharts recompute the domain and every line point once the lines register.
          ifOverflow="hidden"
        />
      ))}
      {markerLines.map(({ marker: m, label }, i) => (
        <ReferenceLine
          key={`x-${m.t}-${i}`}
          x={m.t}
          stroke={m.muted ? CHART_COLORS.markerFailed : CHART_COLORS.marker}
          strokeDasharray={m.muted ? "2 3" : undefined}
          ifOverflow="discard"
          label={label}
        />
      ))}
      {series.map((s) => (
        <Line
          key={s.key}
          dataKey={s.key}
          name={s.name}
          type={s.step ? "stepAfter" : "linear"}
          stroke={s.color}
          strokeWidth={s.thin ? 1.25 : 2}
          strokeDasharray={s.dashed ? "5 3" : undefined}
          dot={false}
          activeDot={ACTIVE_DOT}
          connectNulls={false}
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  );
}

/** Equal when they would draw the same: the points by reference, everything else by value. */
function sameChart(a: TimeSeriesChartProps, b: TimeSeriesChartProps): boolean {
  return (
    a.label === b.label &&
    a.unit === b.unit &&
    a.height === b.height &&
    a.yMax === b.yMax &&
    a.domain[0] === b.domain[0] &&
    a.domain[1] === b.domain[1] &&
    sameList(
      a.series,
      b.series,
      (x, y) =>
        x.points === y.points && x.key === y.key && x.name === y.name && x.color === y.color && x.dashed === y.dashed && x.step === y.step && x.thin === y.thin,
    ) &&
    sameList(a.thresholds ?? NO_THRESHOLDS, b.thresholds ?? NO_THRESHOLDS, (x, y) => x.value === y.value && x.label === y.label && x.color === y.color) &&
    sameList(a.markers ?? NO_MARKERS, b.markers ?? NO_MARKERS, (x, y) => x.t === y.t && x.label === y.label && x.muted === y.muted)
  );
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => same(x, b[i]!)));
}

/**
 * The y range and the axis width. The top is a round number above the data and the thresholds
 * (so 0-75-150-225-300 ms, never 0-65-130-195-260), and the width comes from the widest label
 * instead of Recharts' width="auto", which measures the rendered ticks and then renders the
 * whole chart a second time: a third of the cost of drawing 4 x 1,000 points.
 */
function yAxisFor(unit: Unit, series: readonly ChartSeries[], thresholds: readonly ChartThreshold[], yMax: number | undefined) {
  let top = yMax ?? 0;
  if (yMax === undefined) {
    for (const s of series) for (const p of s.points) if (p.v !== null && p.v > top) top = p.v;
    for (const t of thresholds) top = Math.max(top, t.value);
    top = niceCeil(top * 1.1);
  }
  const domain: [number, number | "auto"] = [0, top > 0 ? top : "auto"];
  const widest = formatTick(unit, top > 0 ? top : 1);
  return { domain, width: Math.max(40, Math.round(widest.length * 7 + 22)) };
}

/** The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 x a power of ten at or above `value`. */
function niceCeil(value: number): number {
  if (!(value > 0)) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * magnitude >= value * (1 - 1e-9)) ?? 10;
  return step * magnitude;
}

/**
 * Which markers get a text label: walking back from the latest (the action that matters now),
 * a label needs about a tenth of the chart's width to itself. The others keep their line; the
 * action list under the charts names them all.
 */
function labelledMarkers(markers: readonly ChartMarker[], span: number): Set<ChartMarker> {
  const labelled = new Set<ChartMarker>();
  let previous = Infinity;
  for (const marker of [...markers].sort((a, b) => b.t - a.t)) {
    if (previous - marker.t < span * 0.1) continue;
    labelled.add(marker);
    previous = marker.t;
  }
  return labelled;
}

function ChartLegend({ series, thresholds, unit }: { series: readonly ChartSeries[]; thresholds: readonly ChartThreshold[]; unit: Unit }) {
  return (
    <ul className="chart-legend">
      {series.map((s) => (
        <li key={s.key}>
          <span className={s.dashed ? "chart-swatch chart-swatch-dashed" : "chart-swatch"} style={{ borderColor: s.color }} aria-hidden="true" />
          {s.name}
        </li>
      ))}
      {thresholds.map((t) => (
        <li key={t.label}>
          <span className="chart-swatch chart-swatch-dashed" style={{ borderColor: t.color ?? CHART_COLORS.threshold }} aria-hidden="true" />
          {t.label} ({formatValue(unit, t.value)})
        </li>
      ))}
    </ul>
  );
}

function ChartTooltip({ active, payload, series, unit, zone }: TooltipContentProps & { series: readonly ChartSeries[]; unit: Unit; zone: string }) {
  const row = payload?.[0]?.payload as Record<string, number | null> | undefined;
  if (!active || !row || typeof row.t !== "number") return null;
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-time">{formatFullTime(row.t, zone)}</p>
      <dl>
        {series.map((s) => (
          <div key={s.key}>
            <dt>
              <span className="chart-dot" style={{ background: s.color }} aria-hidden="true" />
              {s.name}
            </dt>
            <dd>{row[s.key] === null || row[s.key] === undefined ? `${NO_VALUE} no data` : formatValue(unit, row[s.key])}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
