/**
 * Date filters typed as "2026-03-31" mean a day on the reader's wall clock, not in UTC. These
 * helpers turn a wall-clock date (and time) in an IANA zone into the instant, without a library.
 */

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** How far ahead of UTC the zone's wall clock is at instant `t`, in milliseconds. */
export function zoneOffsetMs(t: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(t));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(t / 1000) * 1000;
}

export type WallTime = { year: number; month: number; day: number; hour?: number; minute?: number };

/**
 * The instant at which the zone's clock shows this wall time. Two passes settle the offset near
 * daylight-saving changes; a wall time skipped by a spring-forward lands just after the gap.
 */
export function wallTimeToInstant({ year, month, day, hour = 0, minute = 0 }: WallTime, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - zoneOffsetMs(wall, timeZone);
  return new Date(wall - zoneOffsetMs(first, timeZone));
}

/** true when year/month/day name a real calendar day (no 31 February). */
export function isCalendarDate({ year, month, day }: WallTime): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
