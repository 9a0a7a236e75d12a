import { describe, expect, it } from "vitest";
import type { LeaderLock } from "../db/leader-lock";
import { createLogger } from "../log";
import { createOwnMetrics } from "../metrics/own-metrics";
import { startTasks } from "./runner";
import { systemClock, type BackgroundTask, type Clock, type Requeue } from "./task";

/** A clock the test moves: sleeps end when it passes their time, or when their signal aborts. */
function manualClock() {
  let now = 0;
  const sleepers = new Set<{ until: number; wake: () => void }>();
  const clock: Clock = {
    now: () => new Date(now),
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        const onAbort = () => sleeper.wake();
        const sleeper = {
          until: now + ms,
          wake: () => {
            sleepers.delete(sleeper);
            signal.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        sleepers.add(sleeper);
        signal.addEventListener("abort", onAbort, { once: true });
      }),
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    clock,
    at: () => now,
    /** Moves time forward by `ms`, waking each sleeper at its own time, in order. */
    async advance(ms: number) {
      const target = now + ms;
      for (;;) {
        await settle();
        const next = [...sleepers].filter((s) => s.until <= target).sort((a, b) => a.until - b.until)[0];
        if (!next) break;
        now = next.until;
        next.wake();
      }
      now = target;
      await settle();
    },
    settle,
  };
}

/** A lock the test hands out and takes back; counts how often it is asked. */
function switchableLock(leading = false) {
  const state = { leading, checks: 0, released: 0 };
  const lock: LeaderLock = {
    check: async () => (state.checks++, state.leading),
    release: async () => {
      state.released++;
      state.leading = false;
    },
  };
  return { lock, state };
}

function harness() {
  const time = manualClock();
  const metrics = createOwnMetrics();
  const lines: { level: string; msg: string; [field: string]: unknown }[] = [];
  const log = createLogger({ write: (_level, line) => lines.push(JSON.parse(line) as (typeof lines)[number]), now: time.clock.now });
  const start = (...tasks: BackgroundTask[]) => startTasks(tasks, { metrics, log, clock: time.clock });
  const sample = async (name: string, labels: string) => {
    const match = new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, "m").exec(await metrics.registry.metrics());
    return match ? Number(match[1]) : undefined;
  };
  return { time, metrics, lines, start, sample };
}

/** A task that records when it ran and answers with `answer(run number)`. */
function recordingTask(options: Partial<BackgroundTask> & { answer?: (run: number) => Requeue | Error } = {}) {
  const runs: number[] = [];
  const { answer = () => ({ requeueAfterMs: 5_000 }), ...rest } = options;
  const task: BackgroundTask = {
    name: "probe",
    leader: null,
    async run({ now }) {
      runs.push(now().getTime());
      const result = answer(runs.length);
      if (result instanceof Error) throw result;
      return result;
    },
    ...rest,
  };
  return { task, runs };
}

describe("the background task runner", () => {
  it("runs a task at once, then after each requeue delay it asks for, timing every pass on /metrics", async () => {
    const { time, start, sample } = harness();
    const { task, runs } = recordingTask({ answer: (run) => ({ requeueAfterMs: run === 1 ? 5_000 : 2_000 }) });
    const stop = start(task);
    await time.advance(4_999);
    expect(runs).toEqual([0]);
    await time.advance(1);
    expect(runs).toEqual([0, 5_000]);
    await time.advance(4_000);
    expect(runs).toEqual([0, 5_000, 7_000, 9_000]);
    await stop();
    expect(await sample("aviary_background_task_runs_total", 'task="probe",outcome="ok"')).toBe(4);
    expect(await sample("aviary_background_task_duration_seconds_count", 'task="probe",outcome="ok"')).toBe(4);
  });

  it("requeues a pass that throws with a doubling backoff up to its cap, logs it, and starts over after a success", async () => {
    const { time, start, sample, lines } = harness();
    const { task, runs } = recordingTask({
      backoff: { baseMs: 1_000, maxMs: 4_000 },
      answer: (run) => (run <= 5 ? new Error(`database restarting (${run})`) : { requeueAfterMs: 60_000 }),
    });
    const stop = start(task);
    await time.advance(15_000);
    // Failures at 0, 1, 3, 7 and 11 s (waits 1, 2, 4, 4 s), then one success at 15 s, which asks for a minute.
    expect(runs).toEqual([0, 1_000, 3_000, 7_000, 11_000, 15_000]);
    await stop();
    expect(await sample("aviary_background_task_runs_total", 'task="probe",outcome="failed"')).toBe(5);
    expect(await sample("aviary_background_task_runs_total", 'task="probe",outcome="ok"')).toBe(1);
    const warnings = lines.filter((line) => line.level === "warn");
    expect(warnings.map((line) => [line.msg, line.retryInMs])).toEqual([
      ["probe failed", 1_000],
      ["probe failed", 2_000],
      ["probe failed", 4_000],
      ["probe failed", 4_000],
      ["probe failed", 4_000],
    ]);
    expect(warnings[0]).toMatchObject({ task: "probe", error: "database restarting (1)" });
  });

  it("runs a leader-elected task only while it holds the lock: at once on gaining it, afresh after losing it, shown on /metrics", async () => {
    const { time, start, sample, lines } = harness();
    const { lock, state } = switchableLock(false);
    const changes: boolean[] = [];
    const { task, runs } = recordingTask({ leader: lock, electionMs: 1_000, onLeadership: (leading) => changes.push(leading) });
    const stop = start(task);
    await time.advance(3_500);
    expect(runs).toEqual([]);
    expect(state.checks).toBe(4); // at 0, 1, 2 and 3 s: a replica that does not lead asks again each electionMs
    expect(await sample("aviary_background_task_leader", 'task="probe"')).toBeUndefined(); // never led: no series yet

    state.leading = true;
    await time.advance(500); // the 4 s check takes the lock and runs at once
    expect(runs).toEqual([4_000]);
    expect(await sample("aviary_background_task_leader", 'task="probe"')).toBe(1);

    await time.advance(2_000);
    state.leading = false; // the lock's connection went: the next check (7 s) says so, before the 9 s pass
    await time.advance(4_000);
    expect(runs).toEqual([4_000]);
    expect(await sample("aviary_background_task_leader", 'task="probe"')).toBe(0);

    state.leading = true;
    await time.advance(1_000); // taken again at 11 s: a new leader runs at once, not on the old schedule
    expect(runs).toEqual([4_000, 11_000]);
    expect(changes).toEqual([true, false, true]);
    expect(lines.filter((line) => line.msg.startsWith("probe leadership")).map((line) => line.msg)).toEqual([
      "probe leadership taken",
      "probe leadership lost",
      "probe leadership taken",
    ]);
    await stop();
    expect(state.released).toBe(1);
    expect(await sample("aviary_background_task_leader", 'task="probe"')).toBe(0);
  });

  it("tasks sharing a lock each report it, and their one stop releases it once", async () => {
    const { time, start, sample } = harness();
    const { lock, state } = switchableLock(true);
    const stop = start(recordingTask({ leader: lock, name: "first" }).task, recordingTask({ leader: lock, name: "second" }).task);
    await time.advance(100);
    expect([await sample("aviary_background_task_leader", 'task="first"'), await sample("aviary_background_task_leader", 'task="second"')]).toEqual([1, 1]);
    await stop();
    expect(state.released).toBe(1);
    expect([await sample("aviary_background_task_leader", 'task="first"'), await sample("aviary_background_task_leader", 'task="second"')]).toEqual([0, 0]);
  });

  it("stop waits for the pass under way and for what it left in flight, then gives up the lock", async () => {
    const { time, start } = harness();
    const { lock, state } = switchableLock(true);
    let finishPass = () => {};
    let finishDrain = () => {};
    const order: string[] = [];
    const task: BackgroundTask = {
      name: "slow",
      leader: lock,
      run: () => new Promise<Requeue>((resolve) => (finishPass = () => (order.push("pass done"), resolve({ requeueAfterMs: 1_000 })))),
      drain: () => new Promise<void>((resolve) => (finishDrain = () => (order.push("drained"), resolve()))),
    };
    const stop = start(task);
    await time.settle();
    let stopped = false;
    const stopping = stop().then(() => (order.push("stopped"), (stopped = true)));
    await time.settle();
    expect(stopped).toBe(false);
    finishPass();
    await time.settle();
    expect(stopped).toBe(false);
    expect(state.released).toBe(0); // the pass has ended, the deliveries it started have not
    finishDrain();
    await stopping;
    expect(order).toEqual(["pass done", "drained", "stopped"]);
    expect(state.released).toBe(1);
  });

  it("stop cuts a sleep short: a task that asked for an hour stops at once, and runs no more", async () => {
    const { time, start } = harness();
    const { task, runs } = recordingTask({ answer: () => ({ requeueAfterMs: 3_600_000 }) });
    const stop = start(task);
    await time.advance(1_000);
    await stop(); // resolves without the clock moving: the sleep ended with the signal
    await time.advance(7_200_000);
    expect(runs).toEqual([0]);
    expect(time.at()).toBe(7_201_000);
  });

  it("the system clock's sleep ends when its signal aborts, long before its time", async () => {
    const controller = new AbortController();
    const started = performance.now();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await sleeping;
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
