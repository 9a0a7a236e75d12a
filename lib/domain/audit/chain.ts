/**
 * Checking the audit log's hash chain, one batch of events at a time (pure; the caller reads the
 * batches in id order and computes each event's hash from its stored content).
 *
 * Each event stores `prevHash` (the previous event's hash) and `hash` (over its own content and
 * prevHash). Editing an event's content breaks its own hash; editing it and recomputing its
 * hash, or deleting an event, breaks the next event's prevHash. The first broken link is reported.
 */

export type ChainLink = { id: bigint; version: number; prevHash: string | null; hash: string; computedHash: string };

export type ChainProblem = "prev_hash_mismatch" | "hash_mismatch" | "hash_downgrade" | "head_missing" | "head_mismatch";

export type ChainBreak = {
  id: string;
  problem: ChainProblem;
  /** What the chain requires at this point, and what the event holds. */
  expected: string | null;
  found: string | null;
  message: string;
};

export type ChainProgress = { checked: number; lastId: bigint | null; lastHash: string | null; lastVersion: number };

export const START: ChainProgress = { checked: 0, lastId: null, lastHash: null, lastVersion: 0 };

export function checkLinks(progress: ChainProgress, links: readonly ChainLink[]): { progress: ChainProgress; broken: ChainBreak | null } {
  let { checked, lastId, lastHash, lastVersion } = progress;
  for (const link of links) {
    if (link.version < lastVersion) {
      // Unkeyed hashes can be forged by anyone holding the database: after the first keyed event,
      // a plain one is a forgery (or a writer from before the upgrade still running).
      return {
        progress: { checked, lastId, lastHash, lastVersion },
        broken: {
          id: link.id.toString(),
          problem: "hash_downgrade",
          expected: `version ${lastVersion}`,
          found: `version ${link.version}`,
          message: `event ${link.id}: hashed with scheme ${link.version} after events with scheme ${lastVersion}; an unkeyed event after keyed ones was not written by Aviary`,
        },
      };
    }
    if (link.prevHash !== lastHash) {
      const after = lastId === null ? "it is the first event, so it should have none" : `event ${lastId} has ${short(lastHash)}`;
      return {
        progress: { checked, lastId, lastHash, lastVersion },
        broken: {
          id: link.id.toString(),
          problem: "prev_hash_mismatch",
          expected: lastHash,
          found: link.prevHash,
          message: `event ${link.id}: prevHash ${short(link.prevHash)} does not match the previous event (${after}); an event before it was deleted, inserted or rewritten`,
        },
      };
    }
    if (link.computedHash !== link.hash) {
      return {
        progress: { checked, lastId, lastHash, lastVersion },
        broken: {
          id: link.id.toString(),
          problem: "hash_mismatch",
          expected: link.computedHash,
          found: link.hash,
          message: `event ${link.id}: its content does not match its hash (stored ${short(link.hash)}, content hashes to ${short(link.computedHash)}); the event was edited after it was written, or the audit key differs from the one it was written with`,
        },
      };
    }
    checked += 1;
    lastId = link.id;
    lastHash = link.hash;
    lastVersion = link.version;
  }
  return { progress: { checked, lastId, lastHash, lastVersion }, broken: null };
}

function short(hash: string | null): string {
  return hash === null ? "none" : `${hash.slice(0, 12)}…`;
}

/** A head written down earlier (log line, metrics): the event that must still be in the chain, unchanged. */
export type KnownHead = { id: bigint; hash: string };

/**
 * Compares a head noted earlier with what the verified chain holds at that id. A chain rewritten
 * end to end, or cut short, can be intact in itself; it cannot keep an old head's hash.
 */
export function checkKnownHead(known: KnownHead, found: { hash: string } | null): ChainBreak | null {
  const id = known.id.toString();
  if (!found) {
    return {
      id,
      problem: "head_missing",
      expected: known.hash,
      found: null,
      message: `event ${id}, noted as a head with hash ${short(known.hash)}, is not in the chain: events were cut off or the chain was rewritten`,
    };
  }
  if (found.hash !== known.hash) {
    return {
      id,
      problem: "head_mismatch",
      expected: known.hash,
      found: found.hash,
      message: `event ${id} now has hash ${short(found.hash)}, but was noted as ${short(known.hash)}: the chain was rewritten from that event or earlier`,
    };
  }
  return null;
}

/** Parses `<id>:<hash>` as printed by the head log line and audit:verify. */
export function parseKnownHead(text: string): KnownHead | null {
  const match = /^(\d{1,18}):([0-9a-f]{64})$/.exec(text.trim());
  return match ? { id: BigInt(match[1]!), hash: match[2]! } : null;
}
