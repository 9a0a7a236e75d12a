/**
 * Counting distinct strings an attacker chooses (request paths, user names) in bounded memory:
 * the first few are kept as a sample to show, the rest only as 53-bit hashes, and only up to a
 * cap, past which the count reads "at least". Keeping the strings themselves would let a flood
 * of 250-character keys grow the process by as much as it likes.
 */
export type Tally = {
  /** The first distinct values seen, in order, at most the sample size. */
  first: string[];
  /** Distinct values seen; a lower bound when `capped`. */
  distinct: number;
  capped: boolean;
};

export type TallyState = { first: string[]; seen: Set<number>; capped: boolean };

export const newTally = (): TallyState => ({ first: [], seen: new Set(), capped: false });

export function countDistinct(tally: TallyState, value: string, { sampleSize, maxDistinct }: { sampleSize: number; maxDistinct: number }): void {
  const hash = hash53(value);
  if (tally.seen.has(hash)) return;
  if (tally.seen.size >= maxDistinct) {
    tally.capped = true;
    return;
  }
  tally.seen.add(hash);
  if (tally.first.length < sampleSize) tally.first.push(value);
}

export const tallyOf = ({ first, seen, capped }: TallyState): Tally => ({ first: [...first], distinct: seen.size, capped });

/**
 * cyrb53 (public domain): two 32-bit multiply-xorshift lanes combined into 53 bits. By chance,
 * two of a thousand values collide about once in ten billion windows; collisions made on purpose
 * (it is no cryptographic hash) can only make the count read lower, never grow memory.
 */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
