import type { Deps } from "../composition/deps";
import { log } from "../log";
import { withTimeout } from "../with-timeout";

export type ReadinessReport = {
  status: "ready" | "not_ready";
  checks: { database: { ok: boolean; latencyMs?: number; reason?: string } };
};

const DB_TIMEOUT_MS = 2_000;
let lastLogged = "";

/**
 * The answer goes to anyone (load balancers probe anonymously), so it names what is broken in
 * general terms only; the driver's message, which can hold host names, users and settings, goes to
 * the server log, once per change.
 */
export async function checkReadiness(deps: () => Deps): Promise<ReadinessReport> {
  const started = performance.now();
  let db: Deps["db"];
  try {
    db = deps().db;
  } catch (error) {
    return notReady("the server is misconfigured; see the server log", error);
  }
  try {
    await withTimeout(db.$queryRaw`SELECT 1`, DB_TIMEOUT_MS);
  } catch (error) {
    return notReady("database unreachable", error);
  }
  if (lastLogged) log.info("readiness: the database answers again");
  lastLogged = "";
  return { status: "ready", checks: { database: { ok: true, latencyMs: Math.round(performance.now() - started) } } };
}

function notReady(reason: string, error: unknown): ReadinessReport {
  const detail = error instanceof Error ? error.message : String(error);
  // Through the log, which masks credentials: a driver's message can carry the connection string.
  if (detail !== lastLogged) log.error(`readiness: ${reason}`, { detail: (lastLogged = detail) });
  return { status: "not_ready", checks: { database: { ok: false, reason } } };
}
