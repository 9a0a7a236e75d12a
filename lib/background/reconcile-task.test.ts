import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../log";
import type { Deps } from "../composition/deps";
import { createOwnMetrics } from "../metrics/own-metrics";
import type { SweepResult } from "../server/reconcile-interrupted-operations";
import { reconcileTask } from "./reconcile-task";
import { startTasks } from "./runner";

const NOTHING: SweepResult = { reconciled: 0, postponed: 0, busy: 0, errors: 0 };
const deps = {} as Deps; // the sweep is replaced: nothing here is touched

/** The sweep as the server runs it (the shared runner), its log lines kept here. */
function startReconcileSweep({ intervalMs, sweep }: { intervalMs: number; sweep: () => Promise<SweepResult> }) {
  const lines: string[] = [];
  const stop = startTasks([reconcileTask({ deps, intervalMs, sweep })], {
    metrics: createOwnMetrics(),
    log: createLogger({ write: (_level, line) => lines.push(line) }),
  });
  return { stop, lines };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the reconcile sweep", () => {
  it("runs at start-up, then every interval, never two at once, and stops", async () => {
    vi.useFakeTimers();
    let running = 0;
    let overlapped = false;
    const sweep = vi.fn(async () => {
      overlapped ||= running > 0;
      running++;
      await new Promise((resolve) => setTimeout(resolve, 45_000)); // slower than the interval
      running--;
      return NOTHING;
    });
    const { stop } = startReconcileSweep({ intervalMs: 30_000, sweep });
    expect(sweep).toHaveBeenCalledTimes(1); // at once: a crash of the previous process left work behind
    await vi.advanceTimersByTimeAsync(30_000); // the first is still running: skipped
    expect(sweep).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(30_000); // finished at 45 s: the 60 s tick runs
    expect(sweep).toHaveBeenCalledTimes(2);
    void stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sweep).toHaveBeenCalledTimes(2);
    expect(overlapped).toBe(false);
  });

  it("keeps going after a sweep that throws", async () => {
    vi.useFakeTimers();
    const sweep = vi.fn().mockRejectedValueOnce(new Error("database restarting")).mockResolvedValue(NOTHING);
    const { stop, lines } = startReconcileSweep({ intervalMs: 30_000, sweep });
    await vi.advanceTimersByTimeAsync(30_000);
    void stop();
    expect(sweep).toHaveBeenCalledTimes(2);
    expect(lines).toContainEqual(expect.stringContaining("database restarting"));
  });
});
