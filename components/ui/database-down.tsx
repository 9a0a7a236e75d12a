import { RetryButton } from "./retry-button";

/**
 * What a dashboard page shows when its read found the database unreachable (app/(dashboard)/page-reads.ts).
 * Rendered on the server, so the text is the same in development and production.
 */
export function DatabaseDown() {
  return (
    <section className="panel panel-error" role="alert">
      <h1>Aviary cannot reach its database</h1>
      <p>The rollout records live in Postgres, which is not answering. Check /api/readyz for the reason.</p>
      <RetryButton />
    </section>
  );
}
