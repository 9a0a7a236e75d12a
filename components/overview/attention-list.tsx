"use client";

import { useState, type ReactNode } from "react";
import type { OverviewRowJson } from "@/lib/contracts/overview";
import type { AttentionGroup } from "@/lib/domain/attention";
import type { LiveTraffic } from "@/lib/domain/live-traffic";
import { LocalTime } from "@/components/ui/local-time";
import { RolloutTable, type ListedRollout } from "./rollout-table";
import styles from "./overview.module.css";
import "./overview.css";

/**
 * Rows drawn at first per section. Finished rollouts are mostly history: the ten most recent.
 * The live sections draw the first hundred (most urgent first), so a thousand rollouts stay a
 * light page; the rest are one "Show more" away, and the counts always cover everything.
 */
export const PAGE_SIZES: Record<AttentionGroup, number> = { "needs-you": 100, progressing: 100, finished: 10 };

type Props = {
  groups: Record<AttentionGroup, ListedRollout[]>;
  readAt: string;
  liveOf: (id: string) => LiveTraffic | undefined;
  onRollBack: (rollout: OverviewRowJson) => void;
  actDenied: string | null;
};

/** The overview as an attention list: Needs you, Progressing, Finished, each with its count. */
export function AttentionList({ groups, readAt, liveOf, onRollBack, actDenied }: Props) {
  const table = { liveOf, onRollBack, actDenied };
  const needsYou = groups["needs-you"];
  return (
    <>
      <Section id="needs-you" title="Needs you" count={needsYou.length} urgent={needsYou.length > 0}>
        {needsYou.length === 0 ? (
          <p className={styles.empty}>
            Nothing needs you: no failing or inconclusive gate, no drift, nothing paused or waiting for a promotion (as of <LocalTime iso={readAt} />
            ).
          </p>
        ) : (
          <PagedTable
            {...table}
            rows={needsYou}
            pageSize={PAGE_SIZES["needs-you"]}
            caption="Rollouts that need a person, most urgent first"
            order="most urgent first"
          />
        )}
      </Section>
      <Section id="progressing" title="Progressing" count={groups.progressing.length}>
        {groups.progressing.length === 0 ? (
          <p className={styles.empty}>Nothing in progress.</p>
        ) : (
          <PagedTable
            {...table}
            rows={groups.progressing}
            pageSize={PAGE_SIZES.progressing}
            caption="Rollouts progressing on their own, then drafts"
            order="longest in its step first, then drafts"
          />
        )}
      </Section>
      <Section id="finished" title="Finished" count={groups.finished.length}>
        {groups.finished.length === 0 ? (
          <p className={styles.empty}>No finished rollouts.</p>
        ) : (
          <PagedTable
            {...table}
            rows={groups.finished}
            pageSize={PAGE_SIZES.finished}
            caption="Finished rollouts, most recently changed first"
            order="most recently changed first"
            alwaysSayCount
          />
        )}
      </Section>
    </>
  );
}

type PagedProps = Omit<Props, "groups" | "readAt"> & {
  rows: ListedRollout[];
  pageSize: number;
  caption: string;
  order: string;
  alwaysSayCount?: boolean;
};

function PagedTable({ rows, pageSize, caption, order, alwaysSayCount = false, ...table }: PagedProps) {
  const [shown, setShown] = useState(pageSize);
  const hidden = Math.max(0, rows.length - shown);
  const more = Math.min(hidden, pageSize * 5);
  return (
    <>
      <RolloutTable {...table} caption={caption} rows={rows.slice(0, shown)} />
      {hidden > 0 || shown > pageSize || alwaysSayCount ? (
        <p className={styles.pager}>
          <span className="muted">
            Showing {Math.min(shown, rows.length)} of {rows.length}, {order}.
          </span>
          {hidden > 0 ? (
            <button type="button" className="button button-small" onClick={() => setShown((n) => n + more)}>
              Show {more} more
            </button>
          ) : null}
          {shown > pageSize ? (
            <button type="button" className="button button-small" onClick={() => setShown(pageSize)}>
              Show fewer
            </button>
          ) : null}
        </p>
      ) : null}
    </>
  );
}

function Section({ id, title, count, urgent = false, children }: { id: string; title: string; count: number; urgent?: boolean; children: ReactNode }) {
  return (
    <section className={styles.section} aria-labelledby={`section-${id}`}>
      <h2 id={`section-${id}`} className={styles.heading}>
        {title} <span className={urgent ? `${styles.count} ${styles.countUrgent}` : styles.count}>{count}</span>
      </h2>
      {children}
    </section>
  );
}
