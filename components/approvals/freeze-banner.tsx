"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { FreezeWindowJson } from "@/lib/contracts/freeze";
import styles from "./approvals.module.css";

const UPCOMING_MS = 7 * 86_400_000;

export function scopeOf(window: Pick<FreezeWindowJson, "namespaces">): string {
  return window.namespaces.length === 0 ? "every rollout" : `namespace${window.namespaces.length === 1 ? "" : "s"} ${window.namespaces.join(", ")}`;
}

/**
 * The overview's freeze windows: those holding now (promotions refused) and those starting within
 * a week, with their times on their own clocks. Nothing at all when there are none.
 */
export function FreezeBanner() {
  const query = useQuery({ queryKey: queryKeys.freezeWindows, queryFn: api.freezeWindows, refetchInterval: 30_000 });
  if (query.isError) {
    return (
      <p className="banner banner-warn" role="alert">
        Could not read the freeze windows: {query.error.message}. Promotions may be refused during one.
      </p>
    );
  }
  const windows = query.data?.windows ?? [];
  const now = Date.parse(query.data?.readAt ?? "");
  const active = windows.filter((w) => w.active);
  const upcoming = windows.filter((w) => !w.active && w.next && Date.parse(w.next.start) - now <= UPCOMING_MS);
  if (active.length === 0 && upcoming.length === 0) return null;
  return (
    <section className={active.length > 0 ? "banner banner-warn" : "banner"} aria-labelledby="freeze-heading">
      <strong id="freeze-heading">{active.length > 0 ? "Freeze in effect: promotions are refused" : "Upcoming freeze windows"}</strong>
      <ul className={styles.freezeList}>
        {active.map((w) => (
          <li key={w.id}>
            <strong>{w.name}</strong> until {w.active!.until} ({scopeOf(w)})
          </li>
        ))}
        {upcoming.map((w) => (
          <li key={w.id}>
            {active.length > 0 ? "Next: " : null}
            <strong>{w.name}</strong> from {w.next!.from} to {w.next!.until} ({scopeOf(w)})
          </li>
        ))}
      </ul>
      {active.length > 0 ? "Rollback and pause still work. " : null}
      <Link href="/freeze-windows">All freeze windows</Link>
    </section>
  );
}
