import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { requirePageRole } from "@/lib/auth/session";
import { getDeps } from "@/lib/composition/deps";
import { IntegrityResult } from "./integrity-result";
import "@/components/audit/audit-trail.css";

export const metadata: Metadata = { title: "Audit log integrity" };

/** Admin page: recomputes the audit log's hash chain on every visit (the same check as `npm run audit:verify`). */
export default async function IntegrityPage() {
  const { allowed, reason } = await requirePageRole({ config: getDeps().auth(), need: "admin", returnTo: "/audit/integrity" });
  if (!allowed) {
    return (
      <>
        <h1>Audit log integrity</h1>
        <p className="banner banner-warn">{reason}</p>
      </>
    );
  }
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/audit">Audit log</Link> / <span aria-current="page">Integrity</span>
      </nav>
      <div className="page-header">
        <div>
          <h1>Audit log integrity</h1>
          <p className="muted">
            The database refuses to change or delete audit events. On top of that, each event carries a keyed hash (HMAC-SHA-256, with a key kept outside the
            database) of its content and of the previous event&apos;s hash. This page reads every event in order and recomputes each hash, so an event edited,
            inserted or deleted behind the database&apos;s back shows up here by its number.
          </p>
        </div>
        <div className="actions audit-header-actions">
          <Link className="button" href="/audit/integrity" prefetch={false}>
            Check again
          </Link>
        </div>
      </div>
      <Suspense
        fallback={
          <p className="banner" role="status">
            Verifying every event… (a few seconds per 100,000 events)
          </p>
        }
      >
        <IntegrityResult />
      </Suspense>
    </>
  );
}
