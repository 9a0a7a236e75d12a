/**
 * Runs once when a Next.js server process starts (Node runtime only): background work that
 * belongs to the process rather than to a request.
 */
export async function register() {
  const { processEnv } = await import("./lib/env");
  if (processEnv().NEXT_RUNTIME !== "nodejs") return;
  const { startBackgroundWork } = await import("./lib/server/background");
  startBackgroundWork();
}
