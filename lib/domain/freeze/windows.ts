import { wallTimeToInstant, zoneOffsetMs } from "../time/zoned-time";
import { parseLocalDateTime, parseLocalTime, WEEKDAYS, type FreezeWindow } from "./definition";

/**
 * When freeze windows hold: the occurrence around an instant, the next one, and which windows
 * freeze a rollout's namespace now. Pure; wall times are turned into instants in the window's
 * zone (lib/domain/time/zoned-time.ts), so daylight-saving changes move the instants, not the
 * wall times.
 */

export type Occurrence = { start: Date; end: Date };
type Rule = Pick<FreezeWindow, "rule" | "zone">;

const DAY_MS = 86_400_000;

/** The wall-clock calendar day (as a UTC midnight) the zone shows at instant t. */
function localDay(t: number, zone: string): number {
  const wall = t + zoneOffsetMs(t, zone);
  return Math.floor(wall / DAY_MS) * DAY_MS;
}

/** Wall time (ms since epoch as if UTC) to the instant in `zone`. */
function instantOf(wall: number, zone: string): Date {
  const d = new Date(wall);
  return wallTimeToInstant(
    { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() },
    zone,
  );
}

/** The weekly rule's occurrences starting on local days [fromDay, toDay] (UTC-midnight wall days). */
function weeklyOccurrences({ rule, zone }: Rule, fromDay: number, toDay: number): Occurrence[] {
  if (rule.kind !== "weekly") return [];
  const time = parseLocalTime(rule.at)!;
  const out: Occurrence[] = [];
  for (let day = fromDay; day <= toDay; day += DAY_MS) {
    if (!rule.days.includes(WEEKDAYS[new Date(day).getUTCDay()]!)) continue;
    const wallStart = day + (time.hour * 60 + time.minute) * 60_000;
    out.push({ start: instantOf(wallStart, zone), end: instantOf(wallStart + rule.durationMinutes * 60_000, zone) });
  }
  return out;
}

function onceOccurrence({ rule, zone }: Rule): Occurrence | null {
  if (rule.kind !== "once") return null;
  return { start: wallTimeToInstant(parseLocalDateTime(rule.start)!, zone), end: wallTimeToInstant(parseLocalDateTime(rule.end)!, zone) };
}

/** Occurrences that could touch [from, to]: a week of margin on the weekly rule's side. */
function occurrencesAround(window: Rule, from: number, to: number): Occurrence[] {
  const once = onceOccurrence(window);
  if (once) return [once];
  return weeklyOccurrences(window, localDay(from, window.zone) - 8 * DAY_MS, localDay(to, window.zone) + DAY_MS);
}

/**
 * The occurrence holding instant `at` ([start, end)), or null. Back-to-back or overlapping
 * occurrences (Fri and Sat, 48 h each) count as one freeze, ending when the last one does.
 */
export function activeOccurrence(window: Rule, at: Date): Occurrence | null {
  const t = at.getTime();
  const all = occurrencesAround(window, t, t + 8 * DAY_MS).sort((a, b) => a.start.getTime() - b.start.getTime());
  const holding = all.find((o) => o.start.getTime() <= t && t < o.end.getTime());
  if (!holding) return null;
  let end = holding.end.getTime();
  for (const o of all) if (o.start.getTime() <= end && o.end.getTime() > end) end = o.end.getTime();
  return { start: holding.start, end: new Date(end) };
}

/** The first occurrence starting after `at`, within `horizonMs`; null when none. */
export function nextOccurrence(window: Rule, at: Date, horizonMs = 8 * DAY_MS): Occurrence | null {
  const t = at.getTime();
  const next = occurrencesAround(window, t, t + horizonMs)
    .filter((o) => o.start.getTime() > t && o.start.getTime() <= t + horizonMs)
    .sort((a, b) => a.start.getTime() - b.start.getTime())[0];
  return next ?? null;
}

export function appliesTo(window: Pick<FreezeWindow, "namespaces">, namespace: string): boolean {
  return window.namespaces.length === 0 || window.namespaces.includes(namespace);
}

export type ActiveFreeze = { window: FreezeWindow; occurrence: Occurrence };

/** The windows freezing `namespace` at `at`, the one ending last first. */
export function activeFreezes(windows: readonly FreezeWindow[], namespace: string, at: Date): ActiveFreeze[] {
  return windows
    .filter((window) => appliesTo(window, namespace))
    .flatMap((window) => {
      const occurrence = activeOccurrence(window, at);
      return occurrence ? [{ window, occurrence }] : [];
    })
    .sort((a, b) => b.occurrence.end.getTime() - a.occurrence.end.getTime());
}

/** "2026-11-30 23:59 Europe/Berlin": an instant on the window's own clock. */
export function formatInZone(at: Date, zone: string): string {
  const wall = new Date(at.getTime() + zoneOffsetMs(at.getTime(), zone));
  return `${wall.toISOString().slice(0, 16).replace("T", " ")} ${zone}`;
}

/** "freeze window 'Black Friday' until 2026-11-30 23:59 Europe/Berlin". */
export function describeFreeze({ window, occurrence }: ActiveFreeze): string {
  return `freeze window '${window.name}' until ${formatInZone(occurrence.end, window.zone)}`;
}
