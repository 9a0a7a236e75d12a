import type { LeaderLock } from "../db/leader-lock";
import { log as serverLog, type Logger } from "../log";
import type { OwnMetrics } from "../metrics/own-metrics";
import { systemClock, type BackgroundTask, type Clock } from "./task";

export type RunnerOptions = {
  metrics: Pick<OwnMetrics, "taskRun" | "taskLeader">;
  log?: Logger;
  clock?: Clock;
};

const DEFAULT_ELECTION_MS = 1_000;
const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 30_000 };

/**
 * Runs each task in a loop of its own (controller-runtime's manager): a task that needs no
 * leadership runs at once and then when its pass asks; a leader-elected one checks its lock before
 * every pass and at least every `electionMs` (so /metrics shows who leads within about a second),
 * runs at once when it gains leadership and idles while it does not hold it. Unlike
 * controller-runtime, losing leadership does not end the process: the task waits to win it back.
 * Returns the one stop: it cancels every sleep, waits for the passes under way and whatever they
 * left in flight, then gives up the locks.
 */
export function startTasks(tasks: BackgroundTask[], { metrics, log = serverLog, clock = systemClock }: RunnerOptions): () => Promise<void> {
  const controller = new AbortController();
  const loops = tasks.map((task) => loop(task, { signal: controller.signal, metrics, log, clock }));
  return async () => {
    controller.abort();
    await Promise.allSettled(loops);
    await Promise.allSettled(tasks.map((task) => task.drain?.()));
    const locks = new Set(tasks.flatMap((task) => (task.leader ? [task.leader] : [])));
    await Promise.allSettled([...locks].map((lock) => lock.release()));
    for (const task of tasks) if (task.leader) metrics.taskLeader({ task: task.name, leader: false });
  };
}

type LoopOptions = Required<RunnerOptions> & { signal: AbortSignal };

async function loop(task: BackgroundTask, { signal, metrics, log, clock }: LoopOptions): Promise<void> {
  const electionMs = task.electionMs ?? DEFAULT_ELECTION_MS;
  const backoff = task.backoff ?? DEFAULT_BACKOFF;
  const leadership = task.leader ? elected(task, task.leader, { metrics, log }) : null;
  let dueAt = clock.now().getTime();
  let failures = 0;
  while (!signal.aborted) {
    if (leadership) {
      const { leading, gained } = await leadership.check();
      if (signal.aborted) break;
      if (!leading) {
        await clock.sleep(electionMs, signal);
        continue;
      }
      if (gained) {
        dueAt = clock.now().getTime();
        failures = 0;
      }
    }
    const wait = dueAt - clock.now().getTime();
    if (wait > 0) {
      // A leader wakes within electionMs to check its lock again; anyone else sleeps until due.
      await clock.sleep(leadership ? Math.min(wait, electionMs) : wait, signal);
      continue;
    }
    const startedAt = clock.now().getTime();
    const seconds = () => (clock.now().getTime() - startedAt) / 1000;
    try {
      const { requeueAfterMs } = await task.run({ signal, now: clock.now, log });
      failures = 0;
      metrics.taskRun({ task: task.name, outcome: "ok", seconds: seconds() });
      dueAt = clock.now().getTime() + requeueAfterMs;
    } catch (error) {
      failures++;
      const retryInMs = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (failures - 1));
      metrics.taskRun({ task: task.name, outcome: "failed", seconds: seconds() });
      log.warn(`${task.name} failed`, { task: task.name, error: (error as Error).message, failures, retryInMs });
      dueAt = clock.now().getTime() + retryInMs;
    }
  }
}

/** One task's view of its lock: reports changes to /metrics, the log and the task. */
function elected(task: BackgroundTask, lock: LeaderLock, { metrics, log }: Pick<LoopOptions, "metrics" | "log">) {
  let leading = false;
  return {
    async check(): Promise<{ leading: boolean; gained: boolean }> {
      const now = await lock.check();
      const changed = now !== leading;
      leading = now;
      if (changed) {
        metrics.taskLeader({ task: task.name, leader: now });
        log.info(`${task.name} leadership ${now ? "taken" : "lost"}`, { task: task.name });
        task.onLeadership?.(now);
      }
      return { leading: now, gained: changed && now };
    },
  };
}
