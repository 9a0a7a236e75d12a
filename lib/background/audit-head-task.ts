import { readChainHead } from "../db/audit/chain-reader";
import type { AuditReader } from "../db/audit/reader";
import { everyMs, type BackgroundTask } from "./task";

/**
 * Writes the audit chain's head (newest event id and hash) to the log every `intervalMs` when it
 * moved, as one line. Log storage lives outside the database, so an old line proves what the
 * chain held: `npm run audit:verify -- --head <id>:<hash>` checks the chain still holds it. Every
 * replica writes it (no leadership): each process's log is its own witness.
 */
export function auditHeadTask({ audit, intervalMs }: { audit: AuditReader; intervalMs: number }): BackgroundTask {
  let last: string | null = null;
  return {
    name: "audit-head",
    leader: null,
    async run({ now, log }) {
      const startedAt = now().getTime();
      const head = await readChainHead(audit);
      if (head && head.hash !== last) {
        last = head.hash;
        log.info("audit chain head", { id: head.id, hash: head.hash, verify: `npm run audit:verify -- --head ${head.id}:${head.hash}` });
      }
      return everyMs(intervalMs, now().getTime() - startedAt);
    },
  };
}
