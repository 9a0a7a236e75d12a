import type { LeaderLock } from "../db/leader-lock";
import type { Logger } from "../log";

/**
 * One kind of background work (controller-runtime's Runnable and Reconciler in one): a pass that
 * says when it wants to run again, and whether it needs leadership. The runner (runner.ts) owns
 * everything else every task used to write for itself: the timer, never two passes at once,
 * leadership, backoff after an error, metrics, logging of failures and one stop that waits.
 */
export type BackgroundTask = {
  /** A bounded label on /metrics and in the log ("analysis", "reconcile", ...): never an id. */
  name: string;
  /**
   * The advisory lock whose holder alone runs this task, or null for work every replica does
   * (controller-runtime's NeedLeaderElection() false). Tasks that share one lock lead together.
   */
  leader: LeaderLock | null;
  /** One pass. Throwing counts as an error and requeues with backoff. */
  run(context: TaskContext): Promise<Requeue>;
  /** How often a leader-elected task asks for leadership while it does not hold it, and at least how often it checks it while it does (1 s). */
  electionMs?: number;
  /** Backoff after consecutive errors: baseMs, doubled per error, at most maxMs (1 s to 30 s). */
  backoff?: { baseMs: number; maxMs: number };
  /** This replica gained or lost the task's leadership: state kept for a leader starts afresh. */
  onLeadership?(leading: boolean): void;
  /** Work a pass started and left running (deliveries in flight); stop waits for it after the last pass. */
  drain?(): Promise<void>;
};

export type TaskContext = {
  /** Aborted when the runner stops: a pass may end early; the runner waits for it either way. */
  signal: AbortSignal;
  now: () => Date;
  log: Logger;
};

/** controller-runtime's Result{RequeueAfter}: how long after this pass the next one is due. */
export type Requeue = { requeueAfterMs: number };

/** The runner's time: deps.now and a sleep the signal cuts short. Tests inject their own. */
export type Clock = {
  now: () => Date;
  /** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
};

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      // A sleeping task keeps no process alive: the server's own handles do.
      timer.unref();
      signal.addEventListener("abort", done, { once: true });
    }),
};

/**
 * A fixed cadence as a requeue delay: the next start on the `intervalMs` grid counted from this
 * pass's start, so a pass slower than the interval skips the slots it overran, as setInterval
 * with a "still running" guard did, and the cadence does not drift by each pass's duration.
 */
export function everyMs(intervalMs: number, elapsedMs: number): Requeue {
  return { requeueAfterMs: intervalMs - (Math.max(0, elapsedMs) % intervalMs) };
}
