import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { describeChange } from "@/lib/domain/audit/change";
import { KNOWN_AUDIT_ACTIONS, serviceOf, type AuditLogEntry } from "@/lib/domain/audit/entry";
import { toQueryString } from "@/lib/domain/audit/filter-fields";
import type { AuditLogPage } from "@/lib/server/list-audit-events";
import { DateFilter, FilterForm, SelectFilter, TextFilter } from "@/components/audit/filter-form";
import { actionLabel, OutcomeBadge } from "@/components/audit/event-labels";
import { FilterErrors, Pager } from "@/components/audit/pager";
import "@/components/audit/audit-trail.css";

const ACTION_OPTIONS = KNOWN_AUDIT_ACTIONS.map((action) => ({ value: action, label: actionLabel(action) }));
const OUTCOME_OPTIONS = [
  { value: "success", label: "done" },
  { value: "refused", label: "refused" },
  { value: "failed", label: "failed" },
];

/** The auditor's page: every recorded action across all rollouts, filtered, paged, exportable. */
export function AuditView({ page, cursor, errors }: { page: AuditLogPage; cursor: string | undefined; errors: Record<string, string> }) {
  const { entries, nextCursor, params } = page;
  const filtered = Object.keys(params).some((key) => key !== "tz");
  const exportHref = (format: "csv" | "json") => `/api/audit-events/export${toQueryString({ format, ...params })}`;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="muted">
            Every action and definition change on every rollout, refused and failed attempts included, newest first. The log is append-only and hash-chained:{" "}
            <Link href="/audit/integrity">check its integrity</Link>.
          </p>
        </div>
        <div className="actions audit-header-actions">
          <a className="button" href={exportHref("csv")} download>
            Export CSV
          </a>
          <a className="button" href={exportHref("json")} download>
            Export JSON
          </a>
        </div>
      </div>
      <FilterForm key={JSON.stringify(params)} path="/audit" label="Filter the audit log" params={params}>
        <TextFilter name="q" label="Search" params={params} errors={errors} placeholder="reason, error, actor or rollout name" />
        <SelectFilter name="action" label="Action" params={params} errors={errors} options={ACTION_OPTIONS} anyLabel="Any action" />
        <SelectFilter name="outcome" label="Outcome" params={params} errors={errors} options={OUTCOME_OPTIONS} anyLabel="Any outcome" />
        <TextFilter name="actor" label="Actor" params={params} errors={errors} placeholder="user id or e-mail, exact" />
        <TextFilter name="rollout" label="Rollout" params={params} errors={errors} placeholder="name or id" />
        <TextFilter name="namespace" label="Namespace" params={params} errors={errors} />
        <TextFilter name="service" label="Service (VirtualService)" params={params} errors={errors} />
        <DateFilter name="from" label="From" params={params} errors={errors} />
        <DateFilter name="to" label="To" params={params} errors={errors} />
      </FilterForm>
      <FilterErrors errors={errors} />
      {Object.keys(errors).length > 0 ? null : entries.length === 0 ? (
        <NoEvents filtered={filtered} continued={Boolean(cursor)} />
      ) : (
        <>
          <AuditTable entries={entries} />
          <Pager
            path="/audit"
            params={params}
            cursor={cursor}
            nextCursor={nextCursor}
            shown={entries.length}
            noun={entries.length === 1 ? "event" : "events"}
          />
        </>
      )}
    </>
  );
}

function AuditTable({ entries }: { entries: AuditLogEntry[] }) {
  return (
    <table className="table audit-table">
      <caption className="sr-only">Audit events, newest first</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Rollout</th>
          <th scope="col">Action</th>
          <th scope="col">Who</th>
          <th scope="col">Change</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <AuditRow key={entry.id.toString()} entry={entry} />
        ))}
      </tbody>
    </table>
  );
}

function AuditRow({ entry }: { entry: AuditLogEntry }) {
  const change = describeChange(entry);
  return (
    <tr>
      <td className="audit-when">
        <LocalTime iso={entry.at.toISOString()} />
        <span className="audit-id mono">#{entry.id.toString()}</span>
      </td>
      <td>
        {entry.rollout && entry.rolloutId ? (
          <>
            <Link className="strong-link" href={`/rollouts/${entry.rolloutId}/timeline?window=rollout`}>
              {entry.rollout.name}
            </Link>
            <span className="audit-sub mono">{serviceOf(entry)}</span>
          </>
        ) : (
          <span className="muted">no rollout</span>
        )}
      </td>
      <td>
        <span className="audit-action">{actionLabel(entry.action)}</span>
        <OutcomeBadge outcome={entry.outcome} />
        {entry.repeatCount > 1 ? (
          <span className="audit-sub" title="identical refused requests folded into this one event">
            {entry.repeatCount.toLocaleString("en-US")} requests
          </span>
        ) : null}
      </td>
      <td>
        {entry.actorEmail ?? entry.actorId}
        {entry.actorRole ? <span className="audit-sub">{entry.actorRole}</span> : null}
      </td>
      <td className="audit-change">{change ? change.split(" · ").map((part) => <span key={part}>{part}</span>) : <span className="muted">no change</span>}</td>
      <td className="audit-reason">
        {entry.reason ? <q>{entry.reason}</q> : null}
        {entry.errorCode ? (
          <span className="event-error">
            <span className="mono">{entry.errorCode}</span>: {entry.errorMessage}
          </span>
        ) : null}
        {!entry.reason && !entry.errorCode ? <span className="muted">none given</span> : null}
      </td>
    </tr>
  );
}

function NoEvents({ filtered, continued }: { filtered: boolean; continued: boolean }) {
  if (continued) {
    return (
      <EmptyState title="No older events">
        <p>
          This is the end of the log for these filters. <Link href="/audit">Start again from the newest</Link>.
        </p>
      </EmptyState>
    );
  }
  if (filtered) {
    return (
      <EmptyState title="No events match these filters">
        <p>
          Widen the date range, pick “Any action”, or search for a shorter word: search matches parts of the reason, the error, the actor and the rollout name.
        </p>
        <p>
          <Link className="button" href="/audit">
            Clear filters
          </Link>
        </p>
      </EmptyState>
    );
  }
  return (
    <EmptyState title="Nothing recorded yet">
      <p>Creating, editing, starting, promoting, pausing or rolling back a rollout each leaves an event here, with who did it and why.</p>
      <p>
        <Link className="button button-primary" href="/">
          Go to the rollouts
        </Link>
      </p>
    </EmptyState>
  );
}
