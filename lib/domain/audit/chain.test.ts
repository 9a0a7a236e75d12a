import { describe, expect, it } from "vitest";
import { checkLinks, START, type ChainLink } from "./chain";

const link = (id: number, prevHash: string | null, hash: string, computedHash = hash, version = 2): ChainLink => ({
  id: BigInt(id),
  version,
  prevHash,
  hash,
  computedHash,
});

describe("checkLinks", () => {
  const chain = [link(1, null, "h1"), link(2, "h1", "h2"), link(5, "h2", "h5")];

  it("accepts an intact chain across batches, id gaps included (rolled-back inserts leave them)", () => {
    const first = checkLinks(START, chain.slice(0, 2));
    expect(first.broken).toBeNull();
    const second = checkLinks(first.progress, chain.slice(2));
    expect(second).toEqual({ progress: { checked: 3, lastId: 5n, lastHash: "h5", lastVersion: 2 }, broken: null });
  });

  it("reports edited content as a hash mismatch on that event", () => {
    const result = checkLinks(START, [chain[0]!, link(2, "h1", "h2", "other"), chain[2]!]);
    expect(result.broken).toMatchObject({ id: "2", problem: "hash_mismatch", expected: "other", found: "h2" });
    expect(result.progress.checked).toBe(1);
  });

  it("reports a deletion or a recomputed hash as a prevHash mismatch on the next event", () => {
    const result = checkLinks(START, [chain[0]!, chain[2]!]);
    expect(result.broken).toMatchObject({ id: "5", problem: "prev_hash_mismatch", expected: "h1", found: "h2" });
    expect(result.broken?.message).toContain("event 1 has h1");
  });

  it("requires the first event to have no predecessor", () => {
    expect(checkLinks(START, [link(7, "h0", "h7")]).broken).toMatchObject({ id: "7", problem: "prev_hash_mismatch", expected: null });
  });

  it("accepts an empty log", () => {
    expect(checkLinks(START, [])).toEqual({ progress: START, broken: null });
  });

  it("accepts plain (version 1) events before keyed ones, never after", () => {
    const upgraded = [link(1, null, "h1", "h1", 1), link(2, "h1", "h2", "h2", 2)];
    expect(checkLinks(START, upgraded).broken).toBeNull();
    const downgraded = [...upgraded, link(3, "h2", "h3", "h3", 1)];
    const result = checkLinks(START, downgraded);
    expect(result.broken).toMatchObject({ id: "3", problem: "hash_downgrade" });
    expect(result.progress.checked).toBe(2);
  });
});
