"use client";

import { CHART_COLORS } from "@/components/charts/colors";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import type { Point } from "@/lib/domain/series";

/** The canary and stable shares Aviary set over the rollout's life, as steps. */
export function WeightOverTime({
  canary,
  stable,
  markers,
  domain,
}: {
  canary: Point[];
  stable: Point[];
  markers: { t: number; label: string; muted: boolean }[];
  domain: [number, number];
}) {
  return (
    <TimeSeriesChart
      label="Canary and stable share of traffic set by Aviary over the rollout's life"
      unit="percent"
      yMax={1}
      height={220}
      domain={domain}
      markers={markers}
      series={[
        { key: "canary", name: "Canary (set)", color: CHART_COLORS.canary, points: canary, step: true },
        { key: "stable", name: "Stable (set)", color: CHART_COLORS.stable, points: stable, step: true, dashed: true },
      ]}
    />
  );
}
