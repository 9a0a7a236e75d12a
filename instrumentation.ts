/**
 * Runs once when a Next.js server process starts (Node runtime only): background work that
 * belongs to the process rather than to a request.
 */
export async function register() {
  // Not configuration: Next.js replaces this expression at build time, per runtime, so it must be
  // written exactly like this (read through lib/env.ts it would be undefined at run time).
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startBackgroundWork } = await import("./lib/background/tasks");
  startBackgroundWork();
}
