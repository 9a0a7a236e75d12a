/** A dashboard segment's loading.tsx: the top bar stays, this stands where the page will be. */
export function PageLoading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}
