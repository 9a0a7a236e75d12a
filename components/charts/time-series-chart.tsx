"use client";

import { useMemo } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { mergeSeries, type Point } from "@/lib/domain/series";
import { CHART_COLORS } from "./colors";
import { formatFullTime, formatTick, formatTickTime, formatValue, NO_VALUE, timeTicks, type Unit } from "./format";
import { useElementWidth } from "./use-element-width";
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

/**
 * A line chart of ready series on a time axis. It never fetches. Live-friendly: no dots, no
 * animation, nulls break the line (no data is a gap, never a made-up zero); thresholds are
 * horizontal reference lines, actions vertical ones with their name.
 */
export function TimeSeriesChart({ label, series, unit, domain, thresholds = [], markers = [], height = 200, yMax }: TimeSeriesChartProps) {
  const zone = useTimeZone();
  const [plotRef, width] = useElementWidth<HTMLDivElement>();
  const rows = useMemo(() => mergeSeries(Object.fromEntries(series.map((s) => [s.key, s.points]))), [series]);
  const [start, end] = domain;
  const xDomain = useMemo(() => [start, end], [start, end]);
  const ticks = useMemo(() => timeTicks([start, end]), [start, end]);
  const y = useMemo(() => yAxisFor(unit, series, thresholds, yMax), [unit, series, thresholds, yMax]);
  const span = end - start;
  const labelled = useMemo(() => labelledMarkers(markers, span), [markers, span]);
  const renderTooltip = (props: TooltipContentProps) => <ChartTooltip {...props} series={series} unit={unit} zone={zone} />;
  return (
    <figure className="chart" aria-label={label}>
      <ChartLegend series={series} thresholds={thresholds} unit={unit} />
      <div ref={plotRef} style={{ height }}>
        {width ? (
          <LineChart data={rows} width={width} height={height} margin={{ top: 16, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              domain={xDomain}
              ticks={ticks}
              allowDataOverflow
              tickFormatter={(t: number) => formatTickTime(t, zone, span)}
              tick={{ fontSize: 11, fill: CHART_COLORS.axis }}
            />
            <YAxis
              width={y.width}
              domain={y.domain}
              tickCount={5}
              allowDataOverflow={yMax !== undefined}
              tickFormatter={(v: number) => formatTick(unit, v)}
              tick={{ fontSize: 11, fill: CHART_COLORS.axis }}
            />
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
            {markers.map((m, i) => (
              <ReferenceLine
                key={`x-${m.t}-${i}`}
                x={m.t}
                stroke={m.muted ? CHART_COLORS.markerFailed : CHART_COLORS.marker}
                strokeDasharray={m.muted ? "2 3" : undefined}
                ifOverflow="discard"
                label={
                  labelled.has(m)
                    ? { value: m.label, position: "insideTopLeft", fontSize: 10, fill: m.muted ? CHART_COLORS.markerFailed : CHART_COLORS.marker }
                    : undefined
                }
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
                activeDot={{ r: 3 }}
                connectNulls={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        ) : null}
      </div>
    </figure>
  );
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
