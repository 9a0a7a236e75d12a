"use client";

import { useSyncExternalStore } from "react";

const subscribeNever = () => () => {};
let zone: string | undefined;
// useSyncExternalStore reads the snapshot on every render; resolving the zone is not free.
const browserZone = () => (zone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);

/** The viewer's time zone in the browser; UTC while rendering on the server (no hydration mismatch). */
export function useTimeZone(): string {
  return useSyncExternalStore(subscribeNever, browserZone, () => "UTC");
}
