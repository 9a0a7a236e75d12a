/**
 * Number and time formats shared by the charts and the SLI summaries. Each carries its unit,
 * so a value never appears without one; null ("no answer") reads as an en dash.
 */

export type Unit = "percent" | "ms" | "rps" | "burn";

export const NO_VALUE = "–";

/** A ratio (0..1) as a percentage with about two significant digits: 5.0%, 0.10%, 25%. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return NO_VALUE;
  const p = ratio * 100;
  if (p === 0) return "0%";
  if (Math.abs(p) >= 10) return `${p.toFixed(0)}%`;
  if (Math.abs(p) >= 1) return `${p.toFixed(1)}%`;
  return `${Number(p.toPrecision(2))}%`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return NO_VALUE;
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${ms >= 10 ? Math.round(ms).toLocaleString("en-US") : ms.toFixed(1)} ms`;
}

export function formatRps(rps: number | null | undefined): string {
  if (rps === null || rps === undefined) return NO_VALUE;
  return `${rps >= 100 ? rps.toFixed(0) : rps >= 10 ? rps.toFixed(1) : rps.toFixed(2)} req/s`;
}

/** A burn rate: how many times faster than "exactly on budget". */
export function formatBurn(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return NO_VALUE;
  return `${rate >= 10 ? rate.toFixed(0) : rate >= 1 ? rate.toFixed(1) : rate.toFixed(2)}×`;
}

/** A threshold as configured (14.4×, 6×, 1×): never rounded, since people look these numbers up. */
export function formatThreshold(rate: number): string {
  return `${rate}×`;
}

export function formatValue(unit: Unit, value: number | null | undefined): string {
  return { percent: formatPercent, ms: formatMs, rps: formatRps, burn: formatBurn }[unit](value);
}

/** Compact axis ticks: the unit is on every tick, so an axis never needs a legend to be read. */
export function formatTick(unit: Unit, value: number): string {
  if (unit === "percent") return formatPercent(value);
  // One unit per axis: milliseconds up to 10 s, as the objective is written in ms.
  if (unit === "ms") return value >= 10_000 ? `${Number((value / 1000).toPrecision(3))} s` : `${Number(value.toPrecision(4)).toLocaleString("en-US")} ms`;
  if (unit === "rps") return `${Number(value.toPrecision(3))}/s`;
  return `${Number(value.toPrecision(3))}×`;
}

// Building an Intl.DateTimeFormat costs far more than using one; charts format on every render.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, kind: "tick" | "tickDay" | "full"): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    const base: Intl.DateTimeFormatOptions = { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    const extra: Intl.DateTimeFormatOptions =
      kind === "tick"
        ? {}
        : kind === "tickDay"
          ? { day: "2-digit", month: "short" }
          : { day: "2-digit", month: "short", second: "2-digit", timeZoneName: "short" };
    found = new Intl.DateTimeFormat("en-GB", { ...base, ...extra });
    formatters.set(key, found);
  }
  return found;
}

/** Axis tick time: hours and minutes, with the day when the chart spans more than a day. */
export function formatTickTime(t: number, timeZone: string, spanMs: number): string {
  return formatter(timeZone, spanMs > 26 * 3_600_000 ? "tickDay" : "tick").format(t);
}

/** Tooltip time: to the second, with the zone, so a screenshot in an incident channel is unambiguous. */
export function formatFullTime(t: number, timeZone: string): string {
  return formatter(timeZone, "full").format(t);
}

const TICK_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * 60_000);

/** Round tick times (every 1, 2, 5 … minutes) with at most `maxTicks` inside the domain. */
export function timeTicks([start, end]: readonly [number, number], maxTicks = 6): number[] {
  const span = end - start;
  if (!(span > 0)) return [start];
  const step = TICK_STEPS_MS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t);
  return ticks;
}

/** The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 x a power of ten at or above `value`. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * magnitude >= value * (1 - 1e-9)) ?? 10;
  return step * magnitude;
}

/**
 * A value axis' ticks (and grid lines) from 0 to `top`: the widest step of 1, 2, 2.5 or 5 x a power
 * of ten that divides `top` into at least three parts (0.5 -> 0, 0.1 ... 0.5; 300 -> 0, 100, 200,
 * 300; 0.15 -> 0, 0.05, 0.1, 0.15), so labels stay short and round.
 */
export function valueTicks(top: number): number[] {
  if (!(top > 0)) return [0];
  const magnitude = 10 ** Math.floor(Math.log10(top));
  const steps = [5, 2, 2.5, 1, 0.5, 0.2, 0.25, 0.1, 0.05, 0.02, 0.025].map((m) => m * magnitude);
  const step = steps.find((s) => top / s >= 3 - 1e-9 && Math.abs(top / s - Math.round(top / s)) < 1e-6) ?? top / 4;
  const count = Math.round(top / step);
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}
