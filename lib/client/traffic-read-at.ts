"use client";

import { useSyncExternalStore } from "react";

/**
 * When the server last read each rollout's live traffic. GET /api/rollouts/{id}/traffic answers 304
 * while the weights stay put (the page keeps the same data and renders nothing), and says in its
 * `aviary-read-at` header when it read them; only the element showing that time subscribes here.
 */
const readTimes = new Map<string, string>();
const listeners = new Set<() => void>();

export function noteTrafficReadAt(rolloutId: string, iso: string | null): void {
  if (!iso || readTimes.get(rolloutId) === iso) return;
  readTimes.set(rolloutId, iso);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The latest read time the server sent for this rollout's traffic, if any yet. */
export function useTrafficReadAt(rolloutId: string): string | undefined {
  return useSyncExternalStore(
    subscribe,
    () => readTimes.get(rolloutId),
    () => undefined,
  );
}
