"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useSyncExternalStore, type FormEvent, type ReactNode } from "react";
import { Field, fieldId } from "@/components/ui/field";
import "./audit-trail.css";

/**
 * The filter bar of /audit and /history. The filters live in the URL: submitting navigates to
 * `?field=value…` (empty fields left out), so a filtered view is a shareable link and the back
 * button steps through earlier filters. Without JavaScript it is a plain GET form.
 */

const subscribeNever = () => () => {};
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export type FilterFormProps = {
  /** The page's path: "/audit" or "/history". */
  path: string;
  label: string;
  params: Record<string, string>;
  children: ReactNode;
};

export function FilterForm({ path, label, params, children }: FilterFormProps) {
  const router = useRouter();
  const zone = useSyncExternalStore(subscribeNever, browserZone, () => "UTC");
  // A shared link keeps the zone its dates were typed in; a new filter uses the reader's.
  const tz = params.tz ?? zone;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const search = new URLSearchParams();
    for (const [key, value] of new FormData(event.currentTarget)) {
      if (typeof value === "string" && value.trim() !== "") search.set(key, value.trim());
    }
    if (!search.has("from") && !search.has("to")) search.delete("tz");
    router.push(search.size > 0 ? `${path}?${search}` : path);
  }

  return (
    <form role="search" aria-label={label} method="get" action={path} onSubmit={submit} className="audit-filters">
      <div className="audit-filter-grid">{children}</div>
      <input type="hidden" name="tz" value={tz} />
      <div className="audit-filter-actions">
        <button type="submit" className="button button-primary">
          Apply filters
        </button>
        <Link className="button button-quiet" href={path}>
          Clear filters
        </Link>
        <span className="hint">Dates are inclusive, in {tz}.</span>
      </div>
    </form>
  );
}

export function TextFilter({ name, label, params, errors, hint, placeholder }: FilterFieldProps & { hint?: string; placeholder?: string }) {
  return <Field path={name} label={label} defaultValue={params[name] ?? ""} error={errors[name]} hint={hint} placeholder={placeholder} autoComplete="off" />;
}

/** A day picker; a link carrying a time or an ISO instant gets the matching input instead. */
export function DateFilter({ name, label, params, errors }: FilterFieldProps) {
  const value = params[name] ?? "";
  const type = value === "" || /^\d{4}-\d{2}-\d{2}$/.test(value) ? "date" : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? "datetime-local" : "text";
  return <Field path={name} label={label} type={type} defaultValue={value} error={errors[name]} />;
}

export type FilterFieldProps = { name: string; label: string; params: Record<string, string>; errors: Record<string, string> };

export function SelectFilter({
  name,
  label,
  params,
  errors,
  options,
  anyLabel,
}: FilterFieldProps & { options: readonly { value: string; label: string }[]; anyLabel: string }) {
  const id = fieldId(name);
  const value = params[name] ?? "";
  const error = errors[name];
  // A link may carry a list ("promote,promote_full") or a value this list does not offer: keep it selectable.
  const all = value && !options.some((option) => option.value === value) ? [...options, { value, label: value.replaceAll(",", ", ") }] : options;
  return (
    <div className={error ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        <option value="">{anyLabel}</option>
        {all.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error ? (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      ) : null}
    </div>
  );
}
