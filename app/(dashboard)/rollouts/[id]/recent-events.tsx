"use client";

import { LocalTime } from "@/components/ui/local-time";
import type { AuditEventJson } from "@/lib/contracts/audit-event";

const OUTCOME_LABEL: Record<string, string> = { success: "done", refused: "refused", failed: "failed" };

function weightsOf(event: AuditEventJson): string | null {
  const from = event.before?.canaryWeight;
  const to = event.after?.canaryWeight;
  if (from === undefined || to === undefined || from === to) return null;
  return `canary ${from}% → ${to}%`;
}

/** The latest actions on this rollout: who, when, why, and how each ended. */
export function RecentEvents({ events, error }: { events: AuditEventJson[] | undefined; error: string | null }) {
  if (!events) return <p className="muted">{error ? `Could not load the activity: ${error}` : "Loading activity…"}</p>;
  if (events.length === 0) return <p className="muted">No actions yet. Starting the rollout will be the first entry.</p>;
  return (
    <ol className="events">
      {events.map((event) => {
        const weights = weightsOf(event);
        return (
          <li key={event.id} className={`event event-${event.outcome}`}>
            <span className="event-time">
              <LocalTime iso={event.at} />
            </span>
            <span className="event-what">
              <strong>{event.action.replace("_", " ")}</strong>
              {event.outcome !== "success" ? <span className={`outcome outcome-${event.outcome}`}>{OUTCOME_LABEL[event.outcome] ?? event.outcome}</span> : null}
              {weights ? <span className="muted"> · {weights}</span> : null}
              <span className="muted"> · by {event.actor.email ?? event.actor.id}</span>
              {event.reason ? <span className="event-reason">“{event.reason}”</span> : null}
              {event.error ? <span className="event-error">{event.error.message}</span> : null}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
