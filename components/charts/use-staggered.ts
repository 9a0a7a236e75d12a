"use client";

import { useEffect, useState } from "react";
import { flushSync } from "react-dom";

/**
 * Charts take their new data one at a time, each in its own task. A poll that brings new series
 * for six charts would otherwise render and commit them together in one main-thread task of
 * 100-250 ms (Recharts recomputes every point and its scales); one at a time, each task stays well
 * under 50 ms and the browser can paint and answer input in between. The first draw queues too,
 * so a page that opens with several charts does not block for their sum.
 */
const queue: (() => void)[] = [];
let pumping = false;

function pump() {
  const next = queue.shift();
  // Synchronously, so that this chart's render and commit (and Recharts' follow-up renders from
  // its effects) finish inside this task and are not batched with the next chart's.
  if (next) flushSync(next);
  if (queue.length > 0) setTimeout(pump, 0);
  else pumping = false;
}

/** `value`, but adopted in a task of its own after the current one; null until the first time. */
export function useStaggered<T>(value: T): T | null {
  const [shown, setShown] = useState<T | null>(null);
  useEffect(() => {
    if (Object.is(shown, value)) return;
    let current = true;
    queue.push(() => {
      if (current) setShown(value);
    });
    if (!pumping) {
      pumping = true;
      setTimeout(pump, 0);
    }
    return () => {
      current = false;
    };
  }, [value, shown]);
  return shown;
}
