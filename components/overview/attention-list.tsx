"use client";

import { useState, type ReactNode } from "react";
import type { RolloutJson } from "@/lib/contracts/rollout";
import type { AttentionGroup } from "@/lib/domain/attention";
import type { LiveTraffic } from "@/lib/domain/live-traffic";
import { LocalTime } from "@/components/ui/local-time";
import { RolloutTable, type ListedRollout } from "./rollout-table";
import styles from "./overview.module.css";

/** Finished rollouts shown at first, and per "Show more": the rest stay one keypress away. */
export const FINISHED_PAGE = 10;

type Props = {
  groups: Record<AttentionGroup, ListedRollout[]>;
  readAt: string;
  liveOf: (id: string) => LiveTraffic | undefined;
  onRollBack: (rollout: RolloutJson) => void;
  actDenied: string | null;
};

/** The overview as an attention list: Needs you, Progressing, Finished (paged), each with its count. */
export function AttentionList({ groups, readAt, liveOf, onRollBack, actDenied }: Props) {
  const [finishedShown, setFinishedShown] = useState(FINISHED_PAGE);
  const table = (rows: ListedRollout[], caption: string) => (
    <RolloutTable caption={caption} rows={rows} liveOf={liveOf} onRollBack={onRollBack} actDenied={actDenied} />
  );
  const needsYou = groups["needs-you"];
  const finished = groups.finished;
  const hidden = Math.max(0, finished.length - finishedShown);
  return (
    <>
      <Section id="needs-you" title="Needs you" count={needsYou.length} urgent={needsYou.length > 0}>
        {needsYou.length === 0 ? (
          <p className={styles.empty}>
            Nothing needs you: no failing or inconclusive gate, no drift, nothing paused or waiting for a promotion (as of <LocalTime iso={readAt} />
            ).
          </p>
        ) : (
          table(needsYou, "Rollouts that need a person, most urgent first")
        )}
      </Section>
      <Section id="progressing" title="Progressing" count={groups.progressing.length}>
        {groups.progressing.length === 0 ? (
          <p className={styles.empty}>Nothing in progress.</p>
        ) : (
          table(groups.progressing, "Rollouts progressing on their own, then drafts")
        )}
      </Section>
      <Section id="finished" title="Finished" count={finished.length}>
        {finished.length === 0 ? (
          <p className={styles.empty}>No finished rollouts.</p>
        ) : (
          <>
            {table(finished.slice(0, finishedShown), "Finished rollouts, most recently changed first")}
            <p className={styles.pager}>
              <span className="muted" role="status">
                Showing {Math.min(finishedShown, finished.length)} of {finished.length}, most recently changed first.
              </span>
              {hidden > 0 ? (
                <button type="button" className="button button-small" onClick={() => setFinishedShown((n) => n + FINISHED_PAGE * 5)}>
                  Show {Math.min(hidden, FINISHED_PAGE * 5)} more
                </button>
              ) : null}
              {finishedShown > FINISHED_PAGE ? (
                <button type="button" className="button button-small" onClick={() => setFinishedShown(FINISHED_PAGE)}>
                  Show fewer
                </button>
              ) : null}
            </p>
          </>
        )}
      </Section>
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
