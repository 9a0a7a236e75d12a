"use client";

import { memo, useMemo } from "react";
import { Bar, BarChart, DefaultZIndexes, LabelList, Tooltip, usePlotArea, useYAxisScale, XAxis, YAxis, ZIndexLayer, type TooltipContentProps } from "recharts";
import { CHART_COLORS } from "./colors";
import { formatBurn, formatThreshold, formatTick, niceCeil, valueTicks } from "./format";
import { GridLines } from "./grid-lines";
import { barTopLabel, plainTick } from "./plain-text";
import { useElementWidth } from "./use-element-width";
import { useSeen } from "./use-seen";
import { useStaggered } from "./use-staggered";
import "./charts.css";

export type BurnRateRow = { window: string; service: number | null; canary: number | null };
/** `label` goes in the legend (with the windows); the line itself carries only the number. */
export type BurnThreshold = { value: number; label: string };

const SERVICE_COLOR = "#3d5a99";

/**
 * Burn rate per alerting window (how many times faster than "exactly on budget" errors arrive),
 * for the service and for the canary alone, against the multiwindow thresholds (14.4, 6, 1).
 * A missing bar means no traffic in that window, not zero burn.
 */
// Memoised: its parent passes rows and thresholds memoised on the answer's burn summary. The bars
// take new data in a task of their own, like the line charts (useStaggered).
export const BurnRateChart = memo(function BurnRateChart({
  rows,
  thresholds,
  height = 200,
  label,
}: {
  rows: readonly BurnRateRow[];
  thresholds: readonly BurnThreshold[];
  height?: number;
  label: string;
}) {
  const [plotRef, width] = useElementWidth<HTMLDivElement>();
  const seen = useSeen(plotRef);
  const shown = useStaggered(useMemo(() => (width && seen ? { rows, thresholds, width } : null), [rows, thresholds, width, seen]));
  // The range holds the bars and every threshold (a round top, round ticks: valueTicks).
  const y = useMemo(() => {
    const top = niceCeil(Math.max(1, ...rows.flatMap((r) => [r.service ?? 0, r.canary ?? 0]), ...thresholds.map((t) => t.value)) * 1.1);
    const ticks = valueTicks(top);
    const widest = Math.max(...ticks.map((tick) => formatTick("burn", tick).length));
    return { domain: [0, top] as [number, number], ticks, width: Math.max(40, Math.round(widest * 7 + 22)) };
  }, [rows, thresholds]);
  return (
    <figure className="chart" aria-label={label}>
      <ul className="chart-legend">
        <li>
          <span className="chart-swatch chart-swatch-block" style={{ background: SERVICE_COLOR }} aria-hidden="true" />
          Service (stable + canary)
        </li>
        <li>
          <span className="chart-swatch chart-swatch-block" style={{ background: CHART_COLORS.canary }} aria-hidden="true" />
          Canary alone
        </li>
        {thresholds.map((t) => (
          <li key={t.label}>
            <span className="chart-swatch chart-swatch-dashed" style={{ borderColor: CHART_COLORS.threshold }} aria-hidden="true" />
            {t.label}
          </li>
        ))}
      </ul>
      {/* Measured once before the first draw, and a y axis of a known width: Recharts' responsive
          mode and width="auto" each draw the chart a second time. */}
      <div ref={plotRef} style={{ height }}>
        {shown ? (
          <BarChart data={[...shown.rows]} width={shown.width} height={height} margin={{ top: 18, right: 44, bottom: 0, left: 0 }} barGap={2}>
            <BurnLayer yTicks={y.ticks} thresholds={shown.thresholds} />
            <XAxis dataKey="window" interval={0} tick={plainTick} />
            <YAxis width={y.width} domain={y.domain} ticks={y.ticks} interval={0} allowDataOverflow tickFormatter={burnTick} tick={plainTick} />
            <Tooltip content={BurnTooltip} isAnimationActive={false} cursor={{ fill: "rgba(27, 34, 48, 0.06)" }} />
            <Bar dataKey="service" name="Service" fill={SERVICE_COLOR} isAnimationActive={false} maxBarSize={28}>
              <LabelList dataKey="service" position="top" content={BAR_LABEL} />
            </Bar>
            <Bar dataKey="canary" name="Canary alone" fill={CHART_COLORS.canary} isAnimationActive={false} maxBarSize={28}>
              <LabelList dataKey="canary" position="top" content={BAR_LABEL} />
            </Bar>
          </BarChart>
        ) : null}
      </div>
    </figure>
  );
});

/**
 * The grid at the y ticks (under the bars) and each threshold as a dashed line over them, with
 * its number outside the plot on the right, where no bar can hide it; drawn with the chart's
 * scale instead of Recharts' <CartesianGrid> and <ReferenceLine>, each one more item in its store
 * at every draw.
 */
function BurnLayer({ yTicks, thresholds }: { yTicks: readonly number[]; thresholds: readonly BurnThreshold[] }) {
  const y = useYAxisScale();
  const area = usePlotArea();
  if (!y || !area) return null;
  const right = area.x + area.width;
  return (
    <g>
      <GridLines ticks={yTicks} y={y} left={area.x} right={right} />
      <ZIndexLayer zIndex={DefaultZIndexes.line}>
        {thresholds.map((t) => {
          const at = y(t.value);
          return at === undefined ? null : (
            <g key={t.label} className="chart-threshold">
              <line x1={area.x} x2={right} y1={at} y2={at} stroke={CHART_COLORS.threshold} strokeDasharray="6 4" />
              <text x={right + 5} y={at} dy="0.355em" fontSize={11} fill={CHART_COLORS.threshold}>
                {formatThreshold(t.value)}
              </text>
            </g>
          );
        })}
      </ZIndexLayer>
    </g>
  );
}

const BAR_LABEL = barTopLabel((value) => (typeof value === "number" ? formatBurn(value) : ""));
const burnTick = (v: number) => formatTick("burn", v);

function BurnTooltip({ active, payload }: TooltipContentProps) {
  const row = payload?.[0]?.payload as BurnRateRow | undefined;
  if (!active || !row) return null;
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-time">Over the last {row.window}</p>
      <dl>
        <div>
          <dt>Service</dt>
          <dd>{row.service === null ? "no traffic" : formatBurn(row.service)}</dd>
        </div>
        <div>
          <dt>Canary alone</dt>
          <dd>{row.canary === null ? "no traffic" : formatBurn(row.canary)}</dd>
        </div>
      </dl>
    </div>
  );
}
