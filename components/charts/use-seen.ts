"use client";

import { useEffect, useState, type RefObject } from "react";

/**
 * Whether an element has come near the viewport (within `margin`) at least once. Charts below the
 * fold are drawn when the reader scrolls towards them, not during the page's first second, when
 * the charts in view, the live data and hydration all want the main thread. Their box keeps its
 * height meanwhile, so nothing moves. The margin is small on purpose: a chart draws in 30-40 ms,
 * well before it is scrolled into sight, and 300 px drew the second row of the detail page's
 * charts during its first second too (two more long tasks in Lighthouse's trace).
 */
export function useSeen(ref: RefObject<Element | null>, margin = "100px"): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (seen || !element) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) setSeen(true);
      },
      { rootMargin: margin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, seen, margin]);
  return seen;
}
