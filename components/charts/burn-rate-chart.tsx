"use client";

import { memo, useMemo } from "react";
import { Bar, BarChart, CartesianGrid, LabelList, ReferenceLine, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { CHART_COLORS } from "./colors";
import { formatBurn, formatThreshold, formatTick } from "./format";
import { useElementWidth } from "./use-element-width";
import { useSeen } from "./use-seen";
import { useStaggered } from "./use-staggered";

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
  const yWidth = useMemo(() => {
    const top = Math.max(1, ...rows.flatMap((r) => [r.service ?? 0, r.canary ?? 0]), ...thresholds.map((t) => t.value));
    return Math.max(40, Math.round(formatTick("burn", top * 1.2).length * 7 + 22));
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
            <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
            <XAxis dataKey="window" interval={0} tick={{ fontSize: 11, fill: CHART_COLORS.axis }} />
            <YAxis
              width={yWidth}
              domain={[0, "auto"]}
              interval={0}
              tickFormatter={(v: number) => formatTick("burn", v)}
              tick={{ fontSize: 11, fill: CHART_COLORS.axis }}
            />
            <Tooltip content={BurnTooltip} isAnimationActive={false} cursor={{ fill: "rgba(27, 34, 48, 0.06)" }} />
            {shown.thresholds.map((t) => (
              <ReferenceLine
                key={t.label}
                y={t.value}
                stroke={CHART_COLORS.threshold}
                strokeDasharray="6 4"
                ifOverflow="extendDomain"
                // Just the number, outside the plot on the right, where no bar can hide it.
                label={{ value: formatThreshold(t.value), position: "right", fontSize: 11, fill: CHART_COLORS.threshold }}
              />
            ))}
            <Bar dataKey="service" name="Service" fill={SERVICE_COLOR} isAnimationActive={false} maxBarSize={28}>
              <LabelList dataKey="service" position="top" fontSize={10} formatter={labelOf} />
            </Bar>
            <Bar dataKey="canary" name="Canary alone" fill={CHART_COLORS.canary} isAnimationActive={false} maxBarSize={28}>
              <LabelList dataKey="canary" position="top" fontSize={10} formatter={labelOf} />
            </Bar>
          </BarChart>
        ) : null}
      </div>
    </figure>
  );
});

function labelOf(value: unknown): string {
  return typeof value === "number" ? formatBurn(value) : "";
}

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
