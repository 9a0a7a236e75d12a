"use client";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const databaseDown = /database|ECONNREFUSED|DB_UNAVAILABLE/i.test(error.message);
  return (
    <section className="panel panel-error" role="alert">
      <h1>{databaseDown ? "Aviary cannot reach its database" : "This page failed to load"}</h1>
      <p>
        {databaseDown
          ? "The rollout records live in Postgres, which is not answering. Check /api/readyz for the reason."
          : "Something went wrong on the server. The details are in the server log"}
        {error.digest ? ` (reference ${error.digest}).` : "."}
      </p>
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
