import type { Deps } from "./deps";

export type ReadinessReport = {
  status: "ready" | "not_ready";
  checks: { database: { ok: boolean; latencyMs?: number; reason?: string } };
};

const DB_TIMEOUT_MS = 2_000;

export async function checkReadiness(deps: () => Deps): Promise<ReadinessReport> {
  const started = performance.now();
  try {
    const { db } = deps();
    await withTimeout(db.$queryRaw`SELECT 1`, DB_TIMEOUT_MS);
    return { status: "ready", checks: { database: { ok: true, latencyMs: Math.round(performance.now() - started) } } };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { status: "not_ready", checks: { database: { ok: false, reason: `database: ${reason}` } } };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
