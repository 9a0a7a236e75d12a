import { getAuditReader } from "../db/audit-reader";
import { parseServerEnv } from "../env";
import { startAuditHeadLog } from "./log-audit-head";

/** What a server process does besides answering requests (started from instrumentation.ts). */
export function startBackgroundWork(): void {
  const env = parseServerEnv();
  if (!env.DATABASE_URL) return;
  startAuditHeadLog({ audit: getAuditReader(), intervalMs: env.AVIARY_AUDIT_HEAD_LOG_SECONDS * 1000 });
}
