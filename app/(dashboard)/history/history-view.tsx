import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { StatusBadge } from "@/components/ui/status-badge";
import type { HistoryRow } from "@/lib/domain/audit/entry";
import { toQueryString } from "@/lib/domain/audit/filter-fields";
import { ROLLOUT_STATUSES } from "@/lib/domain/rollout";
import type { HistoryPage } from "@/lib/server/list-rollout-history";
import { DateFilter, FilterForm, SelectFilter, TextFilter } from "@/components/audit/filter-form";
import { actionLabel, OutcomeBadge } from "@/components/audit/event-labels";
import { FilterErrors, Pager } from "@/components/audit/pager";
import "@/components/audit/audit-trail.css";

const STATUS_OPTIONS = ROLLOUT_STATUSES.map((status) => ({ value: status, label: status.replace("_", " ") }));

/** Every rollout there has been, archived ones included, with who touched it last. */
export function HistoryView({ page, cursor, errors }: { page: HistoryPage; cursor: string | undefined; errors: Record<string, string> }) {
  const { rows, nextCursor, params } = page;
  const filtered = Object.keys(params).some((key) => key !== "tz");
  // The same people, services and dates, as events: the audit log answers "who did what, why".
  const { status: _status, q: _q, ...shared } = params;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>History</h1>
          <p className="muted">
            Past and present rollouts, archived ones included, most recently changed first. Open a timeline to see every event of a rollout.
          </p>
        </div>
        <div className="actions audit-header-actions">
          <Link className="button" href={`/audit${toQueryString(shared)}`}>
            Events in the audit log
          </Link>
        </div>
      </div>
      <FilterForm key={JSON.stringify(params)} path="/history" label="Filter the history" params={params}>
        <TextFilter name="q" label="Search" params={params} errors={errors} placeholder="rollout name or a reason given" />
        <TextFilter name="namespace" label="Namespace" params={params} errors={errors} />
        <TextFilter name="service" label="Service (VirtualService)" params={params} errors={errors} />
        <SelectFilter name="status" label="Status" params={params} errors={errors} options={STATUS_OPTIONS} anyLabel="Any status" />
        <TextFilter name="actor" label="Acted on by" params={params} errors={errors} placeholder="user id or e-mail, exact" />
        <DateFilter name="from" label="Active from" params={params} errors={errors} />
        <DateFilter name="to" label="Active to" params={params} errors={errors} />
      </FilterForm>
      <FilterErrors errors={errors} />
      {Object.keys(errors).length > 0 ? null : rows.length === 0 ? (
        <NoRollouts filtered={filtered} continued={Boolean(cursor)} />
      ) : (
        <>
          <HistoryTable rows={rows} />
          <Pager
            path="/history"
            params={params}
            cursor={cursor}
            nextCursor={nextCursor}
            shown={rows.length}
            noun={rows.length === 1 ? "rollout" : "rollouts"}
          />
        </>
      )}
    </>
  );
}

function HistoryTable({ rows }: { rows: HistoryRow[] }) {
  return (
    <table className="table audit-table">
      <caption className="sr-only">Rollouts, most recently changed first</caption>
      <thead>
        <tr>
          <th scope="col">Rollout</th>
          <th scope="col">Service</th>
          <th scope="col">Status</th>
          <th scope="col">Last event</th>
          <th scope="col">Events</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ rollout, lastEvent, eventCount }) => (
          <tr key={rollout.id}>
            <td>
              <Link className="strong-link" href={`/rollouts/${rollout.id}/timeline?window=rollout`}>
                {rollout.name}
              </Link>
              <span className="audit-sub">
                <Link href={`/rollouts/${rollout.id}`}>details</Link>
              </span>
            </td>
            <td>
              <span className="mono">
                {rollout.namespace}/{rollout.virtualService}
              </span>
              {rollout.cluster !== "default" ? <span className="audit-sub">on {rollout.cluster}</span> : null}
            </td>
            <td>
              <StatusBadge status={rollout.status} />
            </td>
            <td>
              {lastEvent ? (
                <>
                  <span className="audit-action">{actionLabel(lastEvent.action)}</span>
                  <OutcomeBadge outcome={lastEvent.outcome} />
                  <span className="audit-sub">
                    by {lastEvent.actorEmail ?? lastEvent.actorId}, <LocalTime iso={lastEvent.at.toISOString()} />
                  </span>
                </>
              ) : (
                <span className="muted">none</span>
              )}
            </td>
            <td>
              <Link href={`/audit?rollout=${rollout.id}`} aria-label={`${eventCount} events of ${rollout.name} in the audit log`}>
                {eventCount}
              </Link>
            </td>
            <td>
              <LocalTime iso={rollout.createdAt.toISOString()} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NoRollouts({ filtered, continued }: { filtered: boolean; continued: boolean }) {
  if (continued) {
    return (
      <EmptyState title="No older rollouts">
        <p>
          That was the last page. <Link href="/history">Start again from the most recent</Link>.
        </p>
      </EmptyState>
    );
  }
  if (filtered) {
    return (
      <EmptyState title="No rollouts match these filters">
        <p>“Acted on by” and the dates select rollouts with at least one event by that person in that period. Widen the range or clear a filter.</p>
        <p>
          <Link className="button" href="/history">
            Clear filters
          </Link>
        </p>
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No rollouts yet">
      <p>Every rollout ever created appears here, and stays after it is archived.</p>
      <p>
        <Link className="button button-primary" href="/rollouts/new">
          Create a rollout
        </Link>
      </p>
    </EmptyState>
  );
}
