import type { ReactElement } from "react";
import { CHART_COLORS } from "./colors";

/**
 * A value axis' grid: a horizontal line at each tick but the first (the x axis line is there),
 * across the plot area from `left` to `right`, placed by the chart's y scale.
 */
export function GridLines({
  ticks,
  y,
  left,
  right,
}: {
  ticks: readonly number[];
  y: (value: number) => number | undefined;
  left: number;
  right: number;
}): ReactElement {
  return (
    <g className="chart-grid">
      {ticks.slice(1).map((tick) => {
        const at = y(tick);
        return at === undefined ? null : <line key={tick} x1={left} x2={right} y1={at} y2={at} stroke={CHART_COLORS.grid} />;
      })}
    </g>
  );
}
