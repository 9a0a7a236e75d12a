import Link from "next/link";
import { RolloutSlis } from "@/components/slis/rollout-slis";
import { LocalTime } from "@/components/ui/local-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { weightTimeline } from "@/lib/domain/audit/timeline";
import { toQueryString } from "@/lib/domain/audit/filter-fields";
import type { RolloutTimeline } from "@/lib/server/get-rollout-timeline";
import { TIMELINE_LIMIT } from "@/lib/server/get-rollout-timeline";
import { TimelineEvents } from "./timeline-events";
import { WeightOverTime } from "./weight-over-time";
import { auditEntryOf } from "@/lib/domain/weight-history";
import "@/components/audit/audit-trail.css";

/**
 * A live rollout's chart runs to now; a finished one ends shortly after its last event, so last
 * quarter's rollout is not squeezed into the left edge of a chart that runs to today.
 */
function chartRange({ status, createdAt, first, last, now }: { status: string; createdAt: Date; first?: Date; last?: Date; now: Date }) {
  const start = Math.min(createdAt.getTime(), first?.getTime() ?? Infinity);
  const live = status === "draft" || status === "progressing" || status === "paused";
  if (live || !last) return { start, end: now.getTime() };
  const span = last.getTime() - start;
  return { start, end: Math.min(now.getTime(), last.getTime() + Math.max(span * 0.05, 60_000)) };
}

export function TimelineView({ timeline, now }: { timeline: RolloutTimeline; now: Date }) {
  const { rollout, events, truncated } = timeline;
  const chart = weightTimeline({
    entries: events.map(auditEntryOf),
    ...chartRange({ status: rollout.status, createdAt: rollout.createdAt, first: events[0]?.at, last: events.at(-1)?.at, now }),
  });
  const ofRollout = { rollout: rollout.id };
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/history">History</Link> / <Link href={`/rollouts/${rollout.id}`}>{rollout.name}</Link> / <span aria-current="page">Timeline</span>
      </nav>
      <div className="page-header">
        <div>
          <h1>
            {rollout.name} <StatusBadge status={rollout.status} />
          </h1>
          <p className="muted">
            VirtualService{" "}
            <span className="mono">
              {rollout.namespace}/{rollout.virtualService}
            </span>{" "}
            · cluster <span className="mono">{rollout.cluster}</span> · created <LocalTime iso={rollout.createdAt.toISOString()} />
            {rollout.archivedAt ? (
              <>
                {" "}
                · archived <LocalTime iso={rollout.archivedAt.toISOString()} />
              </>
            ) : null}
          </p>
        </div>
        <div className="actions audit-header-actions">
          <Link className="button" href={`/audit${toQueryString(ofRollout)}`}>
            In the audit log
          </Link>
          <a className="button" href={`/api/audit-events/export${toQueryString({ format: "csv", ...ofRollout })}`} download>
            Export CSV
          </a>
        </div>
      </div>

      <section className="panel" aria-labelledby="weights-heading">
        <h2 id="weights-heading">Traffic set by Aviary</h2>
        <p className="muted timeline-note">
          From the audit log: each successful action that changed the weights. Refused and failed attempts are the dotted markers.
        </p>
        <WeightOverTime canary={chart.canary} stable={chart.stable} markers={chart.markers} domain={chart.domain} />
      </section>

      {/* SLIs over the rollout's life (window "rollout", from its start to now), by the metrics components. */}
      <RolloutSlis rolloutId={rollout.id} slo={rollout.slo} />

      <section className="panel" aria-labelledby="events-heading">
        <h2 id="events-heading">
          Events{" "}
          <span className="muted timeline-count">
            ({events.length}
            {truncated ? "+" : ""}, oldest first)
          </span>
        </h2>
        {truncated ? (
          <p className="banner banner-warn">
            Showing the first {TIMELINE_LIMIT.toLocaleString("en-US")} events. The rest are in the{" "}
            <Link href={`/audit${toQueryString(ofRollout)}`}>audit log</Link> and its export.
          </p>
        ) : null}
        <TimelineEvents events={events} />
      </section>
    </>
  );
}
