/**
 * Chart colours. SVG presentation attributes cannot read CSS custom properties everywhere, so
 * these mirror the tokens in app/globals.css (--canary, --stable, --danger, --text).
 */
export const CHART_COLORS = {
  canary: "#e07b00",
  canaryLight: "#f2b36b",
  stable: "#2f7d4f",
  stableLight: "#8cc4a2",
  threshold: "#c62828",
  warn: "#b26a00",
  set: "#1b2230",
  marker: "#5b6577",
  markerFailed: "#a0a8b5",
  grid: "#e6e9ee",
  axis: "#5b6577",
} as const;
