/**
 * A counting semaphore with a FIFO queue: at most `limit` holders at once, the rest wait in the
 * order they asked. The Prometheus client puts one around every HTTP call so that no caller
 * (pages, the overview, the analysis loop) can open more than `limit` queries at once, and the
 * in-flight and queued counts are there to be read (Aviary's /metrics).
 */
export type Semaphore = {
  /** Resolves with a release function once a slot is free; rejects with `onTimeout()`'s error if none frees within `waitMs`. */
  acquire(options: { waitMs: number; onTimeout: () => Error }): Promise<() => void>;
  load(): { inFlight: number; queued: number; limit: number };
};

type Waiter = { grant: () => void; timer: NodeJS.Timeout };

export function createSemaphore(limit: number): Semaphore {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`a semaphore needs a limit of at least 1, got ${limit}`);
  let inFlight = 0;
  const queue: Waiter[] = [];

  const releaser = () => {
    let released = false;
    return () => {
      if (released) return; // a second release must not free someone else's slot
      released = true;
      const next = queue.shift();
      if (next) {
        clearTimeout(next.timer);
        next.grant(); // the slot passes straight on: inFlight stays the same
      } else inFlight--;
    };
  };

  return {
    acquire({ waitMs, onTimeout }) {
      if (inFlight < limit) {
        inFlight++;
        return Promise.resolve(releaser());
      }
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          grant: () => resolve(releaser()),
          timer: setTimeout(() => {
            const index = queue.indexOf(waiter);
            if (index >= 0) queue.splice(index, 1);
            reject(onTimeout());
          }, waitMs),
        };
        queue.push(waiter);
      });
    },
    load: () => ({ inFlight, queued: queue.length, limit }),
  };
}
