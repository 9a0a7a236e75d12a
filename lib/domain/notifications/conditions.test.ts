import { describe, expect, it } from "vitest";
import { heldVerdicts } from "./conditions";

describe("heldVerdicts", () => {
  it("keeps a flapping observe-mode verdict open until it has been absent for the hold-off", () => {
    const seen = new Map<string, number>();
    const at = (s: number) => new Date(s * 1000);
    const verdict = { rolloutId: "r1", condition: "would-roll-back:1" };
    expect(heldVerdicts({ seen, present: [verdict], now: at(0), holdOffMs: 600_000 })).toEqual([]);
    // One passing evaluation in between: still held open, so it is not announced again.
    expect(heldVerdicts({ seen, present: [], now: at(10), holdOffMs: 600_000 })).toEqual([verdict]);
    expect(heldVerdicts({ seen, present: [verdict], now: at(20), holdOffMs: 600_000 })).toEqual([]);
    expect(heldVerdicts({ seen, present: [], now: at(619), holdOffMs: 600_000 })).toEqual([verdict]);
    // Gone for the whole hold-off: closed, and forgotten.
    expect(heldVerdicts({ seen, present: [], now: at(620), holdOffMs: 600_000 })).toEqual([]);
    expect(seen.size).toBe(0);
  });

  it("holds only verdicts: drift and waiting close as soon as they clear", () => {
    const seen = new Map<string, number>();
    heldVerdicts({ seen, present: [{ rolloutId: "r1", condition: "drift" }], now: new Date(0), holdOffMs: 600_000 });
    expect(heldVerdicts({ seen, present: [], now: new Date(1000), holdOffMs: 600_000 })).toEqual([]);
  });
});
