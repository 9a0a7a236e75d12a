"use client";

import { memo, useCallback, useId, useLayoutEffect, useMemo, useState, useSyncExternalStore } from "react";
import { LineChart, usePlotArea, useXAxisScale, useYAxisScale, XAxis, YAxis } from "recharts";
import { mergeSeries, type Point } from "@/lib/domain/series";
import { CHART_COLORS } from "./colors";
import { linePath, nearestRow } from "./line-path";
import { GridLines } from "./grid-lines";
import { plainTick } from "./plain-text";
import { formatFullTime, formatTick, formatTickTime, formatValue, niceCeil, NO_VALUE, valueTicks, timeTicks, type Unit } from "./format";
import { useElementWidth } from "./use-element-width";
import { useSeen } from "./use-seen";
import { useStaggered } from "./use-staggered";
import { useTimeZone } from "./use-time-zone";
import "./charts.css";

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
const ACTIVE_DOT = { r: 3 };

/**
 * A line chart of ready series on a time axis. It never fetches. Live-friendly: no dots, no
 * animation, nulls break the line (no data is a gap, never a made-up zero); thresholds are
 * horizontal reference lines, actions vertical ones with their name.
 *
 * Memoised on what it draws (series compared by their points arrays, which TanStack Query keeps
 * when a poll brings the same ones), so a parent that re-renders with equal props costs nothing;
 * the plot itself takes new data in a task of its own (useStaggered), one chart at a time, and is
 * first drawn when it comes near the viewport (useSeen).
 */
export const TimeSeriesChart = memo(function TimeSeriesChart(props: TimeSeriesChartProps) {
  const { label, series, unit, thresholds = NO_THRESHOLDS, height = 200 } = props;
  const [plotRef, width] = useElementWidth<HTMLDivElement>();
  const seen = useSeen(plotRef);
  const plot = useMemo(() => (width && seen ? { ...props, width } : null), [props, width, seen]);
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

type Geometry = {
  x: (value: number) => number | undefined;
  y: (value: number) => number | undefined;
  area: { x: number; y: number; width: number; height: number };
};

function Plot({ series, unit, domain, thresholds = NO_THRESHOLDS, markers = NO_MARKERS, height = 200, yMax, width }: TimeSeriesChartProps & { width: number }) {
  const zone = useTimeZone();
  const [start, end] = domain;
  const xDomain = useMemo(() => [start, end], [start, end]);
  const ticks = useMemo(() => timeTicks([start, end]), [start, end]);
  const y = useMemo(() => yAxisFor(unit, series, thresholds, yMax), [unit, series, thresholds, yMax]);
  const span = end - start;
  const xTickFormatter = useCallback((t: number) => formatTickTime(t, zone, span), [zone, span]);
  const yTickFormatter = useCallback((v: number) => formatTick(unit, v), [unit]);
  // The scales go from the lines to the read-out through a small store, not state: setting state
  // here would draw the whole chart a second time after every update.
  const geometry = useMemo(() => createGeometryStore(), []);
  const labelled = useMemo(() => labelledMarkers(markers, span), [markers, span]);
  // Recharts draws the axes and lends its scales; the grid, the threshold and action lines and the
  // series (one SVG path each) are Aviary's own layer (ChartLayer), and so is the hover read-out
  // (ChartReadout). Recharts' <Line> and <Tooltip> recompute every point through its store on
  // every update (20-50 ms per chart per poll), and each <CartesianGrid> or <ReferenceLine> is one
  // more item in its store, selected and re-rendered at every draw: together about a third of a
  // chart's first draw.
  return (
    <div className="chart-plot">
      <LineChart width={width} height={height} margin={MARGIN} accessibilityLayer={false}>
        {/* interval={0} and our own ticks (timeTicks, valueTicks): drawn as chosen, instead
            of Recharts measuring every label in the DOM to thin them out, a forced layout per label. */}
        <XAxis dataKey="t" type="number" domain={xDomain} ticks={ticks} interval={0} allowDataOverflow tickFormatter={xTickFormatter} tick={plainTick} />
        {/* The domain is computed from the data and thresholds (yAxisFor): with no <Line>, Recharts has no data of its own to widen it with. */}
        <YAxis width={y.width} domain={y.domain} ticks={y.ticks} interval={0} allowDataOverflow tickFormatter={yTickFormatter} tick={plainTick} />
        <ChartLayer series={series} yTicks={y.ticks} thresholds={thresholds} markers={markers} labelled={labelled} domain={domain} onGeometry={geometry.set} />
      </LineChart>
      <ChartReadout series={series} unit={unit} zone={zone} store={geometry} domain={domain} />
    </div>
  );
}

/**
 * Everything inside the plot area, drawn with the chart's own scales: the grid at the y ticks,
 * thresholds (dashed, horizontal), actions (vertical, with their name when there is room; a
 * muted dotted one for a refused or failed attempt) and the series, clipped to the plot area.
 */
function ChartLayer({
  series,
  yTicks,
  thresholds,
  markers,
  labelled,
  domain,
  onGeometry,
}: {
  series: readonly ChartSeries[];
  yTicks: readonly number[];
  thresholds: readonly ChartThreshold[];
  markers: readonly ChartMarker[];
  labelled: ReadonlySet<ChartMarker>;
  domain: readonly [number, number];
  onGeometry: (geometry: Geometry) => void;
}) {
  const x = useXAxisScale();
  const y = useYAxisScale();
  const area = usePlotArea();
  const clipId = useId();
  const paths = useMemo(() => (x && y ? series.map((s) => ({ s, d: linePath(s.points, x, y, { step: s.step ?? false }) })) : []), [series, x, y]);
  const { x: left, y: top, width, height } = area ?? { x: 0, y: 0, width: 0, height: 0 };
  useLayoutEffect(() => {
    if (x && y && width > 0) onGeometry({ x, y, area: { x: left, y: top, width, height } });
  }, [x, y, left, top, width, height, onGeometry]);
  if (!area || !x || !y) return null;
  const right = left + width;
  const bottom = top + height;
  return (
    <g className="chart-lines">
      <defs>
        <clipPath id={clipId}>
          <rect x={left} y={top} width={width} height={height} />
        </clipPath>
      </defs>
      <GridLines ticks={yTicks} y={y} left={left} right={right} />
      {thresholds.map((t) => {
        const at = y(t.value);
        return at === undefined ? null : (
          <line
            key={`y-${t.label}`}
            className="chart-threshold"
            x1={left}
            x2={right}
            y1={at}
            y2={at}
            stroke={t.color ?? CHART_COLORS.threshold}
            strokeDasharray="6 4"
          />
        );
      })}
      {markers.map((m, i) => {
        const at = m.t >= domain[0] && m.t <= domain[1] ? x(m.t) : undefined;
        if (at === undefined) return null;
        const color = m.muted ? CHART_COLORS.markerFailed : CHART_COLORS.marker;
        return (
          <g key={`x-${m.t}-${i}`} className="chart-marker">
            <line x1={at} x2={at} y1={top} y2={bottom} stroke={color} strokeDasharray={m.muted ? "2 3" : undefined} />
            {labelled.has(m) ? (
              <text x={at + 5} y={top + 5} dy="0.71em" fontSize={10} fill={color}>
                {m.label}
              </text>
            ) : null}
          </g>
        );
      })}
      <g clipPath={`url(#${clipId})`}>
        {paths.map(({ s, d }) => (
          <path
            key={s.key}
            className="chart-line"
            data-series={s.key}
            d={d}
            fill="none"
            stroke={s.color}
            strokeWidth={s.thin ? 1.25 : 2}
            strokeDasharray={s.dashed ? "5 3" : undefined}
            strokeLinejoin="round"
          />
        ))}
      </g>
    </g>
  );
}

/**
 * The values at one moment: under the pointer, or stepped through with the arrow keys once the
 * chart has focus (Home and End jump to the ends, Escape hides it). Only this layer re-renders
 * while the pointer moves; the chart underneath does not.
 */
function ChartReadout({
  series,
  unit,
  zone,
  store,
  domain,
}: {
  series: readonly ChartSeries[];
  unit: Unit;
  zone: string;
  store: GeometryStore;
  domain: readonly [number, number];
}) {
  const geometry = useSyncExternalStore(store.subscribe, store.get, store.get);
  const [active, setActive] = useState<number | null>(null);
  const rows = useMemo(() => mergeSeries(Object.fromEntries(series.map((s) => [s.key, s.points]))), [series]);
  if (!geometry) return null;
  const { area } = geometry;
  const row = active === null ? undefined : rows[active];
  const rowAt = (clientX: number, box: DOMRect) => {
    const fraction = (clientX - box.left - area.x) / area.width;
    if (fraction < 0 || fraction > 1) return null;
    const index = nearestRow(rows, domain[0] + fraction * (domain[1] - domain[0]));
    return index < 0 ? null : index;
  };
  const onKeyDown = (event: React.KeyboardEvent) => {
    if (rows.length === 0) return;
    const last = rows.length - 1;
    const next =
      event.key === "ArrowLeft"
        ? Math.max(0, (active ?? last + 1) - 1)
        : event.key === "ArrowRight"
          ? Math.min(last, (active ?? -1) + 1)
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? last
              : event.key === "Escape"
                ? null
                : undefined;
    if (next === undefined) return;
    event.preventDefault();
    setActive(next);
  };
  const cx = row ? geometry.x(row.t) : undefined;
  return (
    <div
      className="chart-readout-area"
      tabIndex={0}
      role="group"
      aria-label="Values over time: left and right arrow keys step through them"
      onPointerMove={(event) => setActive(rowAt(event.clientX, event.currentTarget.getBoundingClientRect()))}
      onPointerLeave={() => setActive(null)}
      onBlur={() => setActive(null)}
      onKeyDown={onKeyDown}
    >
      {row && cx !== undefined ? (
        <>
          <svg className="chart-readout-marks" aria-hidden="true">
            <line x1={cx} x2={cx} y1={area.y} y2={area.y + area.height} stroke={CHART_COLORS.axis} strokeOpacity={0.5} />
            {series.map((s) => {
              const v = row[s.key];
              const cy = v === null || v === undefined ? undefined : geometry.y(v);
              return cy === undefined ? null : <circle key={s.key} cx={cx} cy={cy} r={ACTIVE_DOT.r} fill={s.color} />;
            })}
          </svg>
          <div className="chart-tooltip chart-readout" style={readoutPosition(cx, area)} role="status">
            <ChartTooltip row={row} series={series} unit={unit} zone={zone} />
          </div>
        </>
      ) : null}
    </div>
  );
}

type GeometryStore = { get: () => Geometry | null; set: (geometry: Geometry) => void; subscribe: (listener: () => void) => () => void };

function createGeometryStore(): GeometryStore {
  let current: Geometry | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => current,
    set: (next) => {
      const same =
        current &&
        current.x === next.x &&
        current.y === next.y &&
        current.area.x === next.area.x &&
        current.area.y === next.area.y &&
        current.area.width === next.area.width &&
        current.area.height === next.area.height;
      if (same) return;
      current = next;
      for (const listener of listeners) listener();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Beside the cursor, on the side with more room. */
function readoutPosition(cx: number, area: Geometry["area"]): React.CSSProperties {
  const right = cx < area.x + area.width / 2;
  return right ? { left: cx + 12, top: area.y } : { right: `calc(100% - ${cx - 12}px)`, top: area.y };
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
  // Nothing to show yet: an empty 0-1 frame rather than no axis.
  const domain: [number, number] = [0, top > 0 ? top : 1];
  const ticks = valueTicks(domain[1]);
  const widest = Math.max(...ticks.map((tick) => formatTick(unit, tick).length));
  return { domain, ticks, width: Math.max(40, Math.round(widest * 7 + 22)) };
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

function ChartTooltip({ row, series, unit, zone }: { row: Record<string, number | null>; series: readonly ChartSeries[]; unit: Unit; zone: string }) {
  return (
    <>
      <p className="chart-tooltip-time">{formatFullTime(row.t ?? 0, zone)}</p>
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
    </>
  );
}
