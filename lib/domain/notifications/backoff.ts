/**
 * When to try a failed delivery again: exponential from `baseMs` (x2 per attempt) up to `capMs`,
 * with "equal jitter" (half fixed, half random) so a receiver that comes back is not hit by every
 * queued message at the same instant, and never sooner than half the nominal delay. After
 * `maxAttempts` the delivery is failed for good and shown as such.
 */
export type RetryPolicy = { baseMs: number; capMs: number; maxAttempts: number };

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 5_000, capMs: 15 * 60_000, maxAttempts: 8 };

/** Delay before attempt `attempts + 1`, after `attempts` failed ones (1, 2, ...). */
export function retryDelayMs(attempts: number, { baseMs, capMs }: Pick<RetryPolicy, "baseMs" | "capMs">, random: () => number = Math.random): number {
  const nominal = Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}
