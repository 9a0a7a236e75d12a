"use client";

import { useSyncExternalStore } from "react";

/**
 * A timestamp with its zone. The server renders UTC; in the browser it shows the viewer's zone
 * (the title always carries the exact ISO instant). Relative times tick every 30 seconds.
 */
const TICK_MS = 30_000;
const subscribeClock = (onChange: () => void) => {
  const timer = setInterval(onChange, TICK_MS);
  return () => clearInterval(timer);
};
const subscribeNever = () => () => {};
// Rounded so that successive snapshots within one tick are equal, as useSyncExternalStore requires.
const clientNow = () => Math.floor(Date.now() / TICK_MS) * TICK_MS;
const clientZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function LocalTime({ iso, relative = false }: { iso: string; relative?: boolean }) {
  const zone = useSyncExternalStore(subscribeNever, clientZone, () => "UTC");
  const now = useSyncExternalStore(subscribeClock, clientNow, () => null);
  const date = new Date(iso);
  const absolute = formatAbsolute(date, zone);
  return (
    <time dateTime={iso} title={`${absolute} (${iso})`}>
      {relative && now !== null ? formatRelative(date.getTime(), now + TICK_MS / 2) : absolute}
    </time>
  );
}

// One formatter per zone: building an Intl.DateTimeFormat costs far more than formatting with one,
// and a page formats hundreds of times (every cell of the analysis strips has a time in its title).
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatAbsolute(date: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "short",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "short",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(date);
}

export function formatRelative(then: number, now: number): string {
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}
