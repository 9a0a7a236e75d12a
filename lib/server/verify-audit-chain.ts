import { readChainBatch } from "../db/audit/chain-reader";
import { expectedHashOf } from "../db/audit/events";
import { auditKey } from "../db/audit/key";
import { checkKnownHead, checkLinks, START, type ChainBreak, type KnownHead } from "../domain/audit/chain";
import type { AuditReader } from "../db/audit/reader";

export type ChainReport =
  | { ok: true; checked: number; head: { id: string; hash: string } | null; durationMs: number }
  | { ok: false; checked: number; broken: ChainBreak; durationMs: number };

export type VerifyAuditChainOptions = {
  /** Events read per query; memory stays bounded by this whatever the size of the log. */
  batchSize?: number;
  onProgress?: (checked: number) => void;
  /** A head noted earlier: the chain must still hold that event with that hash. */
  knownHead?: KnownHead;
};

/**
 * Walks the whole audit log in id order and recomputes every hash: the same check for
 * `npm run audit:verify` and the /audit/integrity page. Stops at the first broken link.
 * The head (last id and hash) is worth noting down elsewhere (the app logs it periodically): the
 * chain alone cannot show that events were cut off its end, and `knownHead` checks exactly that.
 */
export async function verifyAuditChain(
  { audit }: { audit: AuditReader },
  { batchSize = 1_000, onProgress, knownHead }: VerifyAuditChainOptions = {},
): Promise<ChainReport> {
  const started = performance.now();
  const key = auditKey();
  let progress = START;
  let atKnownHead: { hash: string } | null = null;
  for (;;) {
    const batch = await readChainBatch(audit, { afterId: progress.lastId, size: batchSize });
    if (knownHead) atKnownHead = batch.find((row) => row.id === knownHead.id) ?? atKnownHead;
    const links = batch.map((row) => ({
      id: row.id,
      version: row.hashVersion,
      prevHash: row.prevHash,
      hash: row.hash,
      computedHash: expectedHashOf(row, key),
    }));
    const result = checkLinks(progress, links);
    const durationMs = Math.round(performance.now() - started);
    if (result.broken) return { ok: false, checked: result.progress.checked, broken: result.broken, durationMs };
    progress = result.progress;
    onProgress?.(progress.checked);
    if (batch.length < batchSize) {
      const moved = knownHead ? checkKnownHead(knownHead, atKnownHead) : null;
      if (moved) return { ok: false, checked: progress.checked, broken: moved, durationMs };
      const head = progress.lastId === null || progress.lastHash === null ? null : { id: progress.lastId.toString(), hash: progress.lastHash };
      return { ok: true, checked: progress.checked, head, durationMs };
    }
  }
}
