import type { ReactElement } from "react";
import { CHART_COLORS } from "./colors";

/**
 * Axis ticks and bar labels as plain SVG text. Recharts' default `<Text>` measures every word in
 * the DOM so that it can wrap (a forced layout each, 20-40 ms of a chart's first draw); these
 * labels are a few characters and never wrap.
 */

/** What Recharts hands a custom `tick`: its position and anchors, the tick and the axis' formatter. */
type TickProps = {
  x?: number | string;
  y?: number | string;
  textAnchor?: "start" | "middle" | "end" | "inherit";
  verticalAnchor?: "start" | "middle" | "end";
  className?: string;
  index?: number;
  payload?: { value?: unknown };
  tickFormatter?: (value: never, index: number) => string;
};

// As Recharts' <Text> places one line: its cap height (0.71em) below a top anchor, half of it for a middle one.
const DY = { start: "0.71em", middle: "0.355em", end: "0" } as const;

export const TICK_FONT_SIZE = 11;

export function plainTick(props: TickProps): ReactElement {
  const { x, y, textAnchor = "middle", verticalAnchor = "middle", className, index = 0, payload, tickFormatter } = props;
  const value = payload?.value;
  const text = tickFormatter ? tickFormatter(value as never, index) : String(value ?? "");
  return (
    <text x={x} y={y} dy={DY[verticalAnchor]} textAnchor={textAnchor} fill={CHART_COLORS.axis} fontSize={TICK_FONT_SIZE} className={className}>
      {text}
    </text>
  );
}

/** What Recharts hands a custom `LabelList` content: the bar's box, its colour and value. */
type BarLabelProps = { x?: number | string; y?: number | string; width?: number | string; fill?: string; value?: unknown };

/** A bar's label centred 5 px above it, in the bar's colour, formatted by `format`; nothing for an empty one. */
export function barTopLabel(format: (value: unknown) => string, fontSize = 10) {
  return function BarTopLabel({ x, y, width, fill, value }: BarLabelProps): ReactElement | null {
    const text = format(value);
    if (!text) return null;
    return (
      <text
        x={Number(x) + Number(width ?? 0) / 2}
        y={Number(y) - 5}
        textAnchor="middle"
        fill={fill ?? CHART_COLORS.axis}
        fontSize={fontSize}
        className="recharts-label"
      >
        {text}
      </text>
    );
  };
}
