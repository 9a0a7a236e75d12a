"use client";

import { useSyncExternalStore } from "react";

const subscribe = (onChange: () => void) => {
  const timer = setInterval(onChange, 1000);
  return () => clearInterval(timer);
};
const snapshot = () => Math.floor(Date.now() / 1000) * 1000;

/** The time, ticking each second in the browser; null during server rendering. */
export function useNow(): number | null {
  return useSyncExternalStore(subscribe, snapshot, () => null);
}
