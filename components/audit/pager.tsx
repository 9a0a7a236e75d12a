import Link from "next/link";
import { toQueryString } from "@/lib/domain/audit/filter-fields";
import "./audit-trail.css";

/**
 * Keyset pages: "Older" continues after the last row shown; "Newest" starts over. Going back a
 * page is the browser's back button (every page is its own URL).
 */
export function Pager({
  path,
  params,
  cursor,
  nextCursor,
  shown,
  noun,
}: {
  path: string;
  params: Record<string, string>;
  cursor: string | undefined;
  nextCursor: string | null;
  shown: number;
  noun: string;
}) {
  return (
    <nav className="audit-pager" aria-label="Pages">
      <span className="muted">
        {shown} {noun} {cursor ? "on this page" : "shown, newest first"}
        {nextCursor ? "; older ones on the next page" : cursor ? "; that is the oldest" : ""}
      </span>
      <span className="actions">
        {cursor ? (
          <Link className="button" href={`${path}${toQueryString(params)}`}>
            ← Newest
          </Link>
        ) : null}
        {nextCursor ? (
          <Link className="button" href={`${path}${toQueryString({ ...params, cursor: nextCursor })}`} rel="next">
            Older →
          </Link>
        ) : null}
      </span>
    </nav>
  );
}

export function FilterErrors({ errors }: { errors: Record<string, string> }) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div className="banner banner-error" role="alert">
      <strong>{entries.length === 1 ? "One filter needs fixing" : `${entries.length} filters need fixing`}</strong>
      <ul>
        {entries.map(([field, message]) => (
          <li key={field}>
            <code>{field}</code>: {message}
          </li>
        ))}
      </ul>
    </div>
  );
}
