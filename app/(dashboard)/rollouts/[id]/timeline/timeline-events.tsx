import { LocalTime } from "@/components/ui/local-time";
import type { StoredAuditEntry } from "@/lib/domain/audit/entry";
import { describeChange } from "@/lib/domain/audit/change";
import { actionLabel, OutcomeBadge } from "@/components/audit/event-labels";
import "@/components/audit/audit-trail.css";

/** Every event of the rollout, oldest first: when, what, who, what changed, why, and how it ended. */
export function TimelineEvents({ events }: { events: StoredAuditEntry[] }) {
  if (events.length === 0) return <p className="muted">No events recorded for this rollout.</p>;
  return (
    <ol className="audit-timeline">
      {events.map((event) => {
        const change = describeChange(event);
        return (
          <li key={event.id.toString()} className={`audit-timeline-item audit-timeline-${event.outcome}`}>
            <div className="audit-timeline-when">
              <LocalTime iso={event.at.toISOString()} />
              <span className="audit-id mono">#{event.id.toString()}</span>
            </div>
            <div>
              <p className="audit-timeline-what">
                <strong>{actionLabel(event.action)}</strong> <OutcomeBadge outcome={event.outcome} /> by {event.actorEmail ?? event.actorId}
                {event.actorRole ? <span className="muted"> ({event.actorRole})</span> : null}
              </p>
              {change ? <p className="audit-timeline-change">{change}</p> : null}
              {event.reason ? <q className="event-reason">{event.reason}</q> : null}
              {event.errorCode ? (
                <span className="event-error">
                  <span className="mono">{event.errorCode}</span>: {event.errorMessage}
                </span>
              ) : null}
              <p className="audit-timeline-meta muted">
                {event.durationMs !== null ? `took ${event.durationMs.toLocaleString("en-US")} ms · ` : ""}
                {event.requestId ? (
                  <>
                    request <span className="mono">{event.requestId}</span>
                  </>
                ) : (
                  "no request id"
                )}
                {event.resourceVersionAfter ? (
                  <>
                    {" "}
                    · VirtualService version {event.resourceVersionBefore ?? "?"} → {event.resourceVersionAfter}
                  </>
                ) : null}
              </p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
