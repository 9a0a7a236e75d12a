"use client";

/**
 * Unexpected errors only. In production Next.js replaces a server error's message with a generic
 * one and passes a hash of it (`digest`), which is also in the server log line: that is what the
 * user can quote. An unreachable database is not handled here; pages render it themselves
 * (app/(dashboard)/page-reads.ts), because the message that would name it never reaches this component.
 */
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="panel panel-error" role="alert">
      <h1>This page failed to load</h1>
      <p>
        Something went wrong on the server. The details are in the server log
        {error.digest ? ` (reference ${error.digest}).` : "."}
      </p>
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
