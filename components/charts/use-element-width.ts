"use client";

import { useLayoutEffect, useRef, useState } from "react";

/**
 * The width of an element, measured before the first paint and kept up to date. Charts then
 * draw once at their real size; Recharts' own `responsive` mode draws a second time after
 * measuring, which doubles the cost of a large chart's first render.
 */
export function useElementWidth<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState<number | null>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const update = (next: number) => setWidth((current) => (current === next ? current : next));
    update(Math.floor(element.getBoundingClientRect().width));
    const observer = new ResizeObserver(([entry]) => entry && update(Math.floor(entry.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}
