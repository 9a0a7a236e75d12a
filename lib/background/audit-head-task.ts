import { readChainHead } from "../db/audit/chain-reader";
import type { AuditReader } from "../db/audit/reader";

/**
 * Writes the audit chain's head (newest event id and hash) to the log every `intervalMs` when it
 * moved, as one JSON line. Log storage lives outside the database, so an old line proves what the
 * chain held: `npm run audit:verify -- --head <id>:<hash>` checks the chain still holds it.
 */
export function startAuditHeadLog({
  audit,
  intervalMs,
  write = (line) => console.log(line),
}: {
  audit: AuditReader;
  intervalMs: number;
  write?: (line: string) => void;
}): () => void {
  let last: string | null = null;
  const tick = async () => {
    try {
      const head = await readChainHead(audit);
      if (!head || head.hash === last) return;
      last = head.hash;
      write(
        JSON.stringify({
          level: "info",
          at: new Date().toISOString(),
          msg: "audit chain head",
          id: head.id,
          hash: head.hash,
          verify: `npm run audit:verify -- --head ${head.id}:${head.hash}`,
        }),
      );
    } catch (error) {
      write(JSON.stringify({ level: "warn", at: new Date().toISOString(), msg: "audit chain head could not be read", error: (error as Error).message }));
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
