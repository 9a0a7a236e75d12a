"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import styles from "@/components/approvals/approvals.module.css";
import { scopeOf } from "@/components/approvals/freeze-banner";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { api, ApiError } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { useSession } from "@/lib/client/use-session";
import type { FreezeWindowJson, FreezeWindowListJson } from "@/lib/contracts/freeze";
import { WEEKDAYS, type FreezeRule } from "@/lib/domain/freeze/definition";

function describeRule(rule: FreezeRule): string {
  if (rule.kind === "once") return `from ${rule.start.replace("T", " ")} to ${rule.end.replace("T", " ")}`;
  const hours = rule.durationMinutes / 60;
  return `every ${rule.days.join(", ")} at ${rule.at} for ${Number.isInteger(hours) ? `${hours} h` : `${rule.durationMinutes} min`}`;
}

/** Freeze windows: every one with when it holds; admins add and remove them (each change audited). */
export function FreezeWindowsView({ initial }: { initial: FreezeWindowListJson }) {
  const query = useQuery({ queryKey: queryKeys.freezeWindows, queryFn: api.freezeWindows, initialData: initial, refetchInterval: 30_000 });
  const denied = useSession().reason("settings.edit", "add and remove freeze windows");
  const [removing, setRemoving] = useState<FreezeWindowJson | null>(null);
  const windows = query.data.windows;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Freeze windows</h1>
          <p className="muted">
            While one holds, promotions (by people or by analysis) are refused; rollback, pause and resume are not. Admins may override with a reason.
          </p>
        </div>
      </div>
      {query.isError ? (
        <p className="banner banner-warn" role="alert">
          Could not refresh: {query.error.message}
        </p>
      ) : null}
      {windows.length === 0 ? (
        <EmptyState title="No freeze windows">
          <p>Promotions are never held by the calendar. Add one for a sales event or for weekends.</p>
        </EmptyState>
      ) : (
        <section className="panel" aria-labelledby="windows-heading">
          <h2 id="windows-heading">Windows</h2>
          <ul className={styles.list}>
            {windows.map((w) => (
              <li key={w.id} className={styles.item}>
                <strong>{w.name}</strong>
                <span>
                  {describeRule(w.rule)} <span className="mono">{w.zone}</span>
                </span>
                <span className={styles.meta}>{scopeOf(w)}</span>
                {w.active ? (
                  <span className={styles.fail}>in effect until {w.active.until}</span>
                ) : w.next ? (
                  <span className={styles.pending}>
                    next: {w.next.from} to {w.next.until}
                  </span>
                ) : (
                  <span className={styles.meta}>over</span>
                )}
                <span className={styles.meta}>added by {w.createdBy}</span>
                <button type="button" className="button" disabled={denied !== null} title={denied ?? undefined} onClick={() => setRemoving(w)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {denied ? <p className="hint">{denied}</p> : <NewWindow />}
      {removing ? <RemoveDialog window={removing} onClose={() => setRemoving(null)} /> : null}
    </>
  );
}

function RemoveDialog({ window, onClose }: { window: FreezeWindowJson; onClose: () => void }) {
  const queryClient = useQueryClient();
  const reasonId = useId();
  const [reason, setReason] = useState("");
  const remove = useMutation({
    mutationFn: () => api.deleteFreezeWindow(window.id, reason.trim() || undefined),
    onSuccess: async () => {
      onClose();
      await queryClient.invalidateQueries({ queryKey: queryKeys.freezeWindows });
    },
  });
  return (
    <ConfirmDialog
      open
      title={`Remove freeze window ${window.name}?`}
      confirmLabel="Remove"
      destructive
      busy={remove.isPending}
      error={remove.error?.message ?? null}
      onConfirm={() => remove.mutate()}
      onCancel={onClose}
    >
      <p>Promotions will no longer be held by it{window.active ? ", starting now" : ""}. The audit log keeps the window and your reason.</p>
      <div className="field">
        <label htmlFor={reasonId}>Reason (optional)</label>
        <textarea id={reasonId} rows={2} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
    </ConfirmDialog>
  );
}

type Fields = Record<string, string>;

function NewWindow() {
  const queryClient = useQueryClient();
  const id = useId();
  const [kind, setKind] = useState<"once" | "weekly">("once");
  const [fields, setFields] = useState<Fields>({});
  const create = useMutation({
    mutationFn: (input: unknown) => api.createFreezeWindow(input),
    onSuccess: async () => {
      setFields({});
      await queryClient.invalidateQueries({ queryKey: queryKeys.freezeWindows });
    },
    onError: (error) => setFields(error instanceof ApiError ? error.fields : {}),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const rule =
      kind === "once"
        ? { kind, start: text("start"), end: text("end") }
        : { kind, days: form.getAll("days").map(String), at: text("at"), durationMinutes: Math.round(Number(text("hours")) * 60) };
    const namespaces = text("namespaces")
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean);
    create.mutate({ name: text("name"), zone: text("zone"), rule, namespaces });
  }

  const field = (name: string, label: string, input: ReactNode, path = name) => (
    <div className={fields[path] ? "field field-invalid" : "field"}>
      <label htmlFor={`${id}-${name}`}>{label}</label>
      {input}
      {fields[path] ? (
        <span id={`${id}-${name}-error`} className="field-error">
          {fields[path]}
        </span>
      ) : null}
    </div>
  );
  const invalid = (path: string) => (fields[path] ? { "aria-invalid": true, "aria-describedby": `${id}-${path.split(".").pop()}-error` } : {});

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Add a freeze window</h2>
      <form className={styles.form} onSubmit={submit} noValidate>
        {field("name", "Name", <input id={`${id}-name`} name="name" maxLength={80} placeholder="Black Friday" {...invalid("name")} />)}
        {field(
          "zone",
          "Time zone (IANA)",
          <input
            id={`${id}-zone`}
            name="zone"
            defaultValue={Intl.DateTimeFormat().resolvedOptions().timeZone}
            placeholder="Europe/Berlin"
            {...invalid("zone")}
          />,
        )}
        <div className="field">
          <label htmlFor={`${id}-kind`}>Repeats</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as "once" | "weekly")}>
            <option value="once">Once (dates)</option>
            <option value="weekly">Every week</option>
          </select>
        </div>
        {kind === "once" ? (
          <>
            {field(
              "start",
              "Starts (local time in its zone)",
              <input id={`${id}-start`} name="start" type="datetime-local" {...invalid("rule.start")} />,
              "rule.start",
            )}
            {field("end", "Ends (not included)", <input id={`${id}-end`} name="end" type="datetime-local" {...invalid("rule.end")} />, "rule.end")}
          </>
        ) : (
          <>
            <fieldset className={styles.days} aria-describedby={fields["rule.days"] ? `${id}-days-error` : undefined}>
              <legend>Days</legend>
              {WEEKDAYS.map((day) => (
                <label key={day}>
                  <input type="checkbox" name="days" value={day} defaultChecked={day === "fri"} /> {day}
                </label>
              ))}
              {fields["rule.days"] ? (
                <span id={`${id}-days-error`} className="field-error">
                  {fields["rule.days"]}
                </span>
              ) : null}
            </fieldset>
            {field("at", "At (local time)", <input id={`${id}-at`} name="at" type="time" defaultValue="16:00" {...invalid("rule.at")} />, "rule.at")}
            {field(
              "hours",
              "For (hours)",
              <input id={`${id}-hours`} name="hours" type="number" min={0.25} max={168} step={0.25} defaultValue={64} {...invalid("rule.durationMinutes")} />,
              "rule.durationMinutes",
            )}
          </>
        )}
        {field(
          "namespaces",
          "Namespaces (comma-separated; empty: all)",
          <input id={`${id}-namespaces`} name="namespaces" placeholder="shop, payments" {...invalid("namespaces")} />,
        )}
        <div>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add freeze window"}
          </button>
        </div>
      </form>
      {create.isError && Object.keys(fields).length === 0 ? (
        <p className="banner banner-error" role="alert">
          {create.error.message}
        </p>
      ) : null}
    </section>
  );
}
