import { describe, expect, it } from "vitest";
import { changedFields, describeChange } from "./change";

describe("describeChange", () => {
  it("says what a traffic action did, both sides with units", () => {
    expect(
      describeChange({
        action: "promote_full",
        outcome: "success",
        before: { status: "progressing", canaryWeight: 25 },
        after: { status: "promoted", canaryWeight: 100, stableWeight: 0 },
      }),
    ).toBe("canary 25% → 100% · stable 75% → 0% · status progressing → promoted");
    expect(
      describeChange({
        action: "pause",
        outcome: "success",
        before: { status: "progressing", canaryWeight: 25 },
        after: { status: "paused", canaryWeight: 25 },
      }),
    ).toBe("status progressing → paused");
  });

  it("names the definition fields an edit changed", () => {
    const before = { name: "a", steps: [{ weight: 5 }, { weight: 100 }], slo: { availability: 99.9, latencyP95Ms: 300 } };
    const after = { name: "a", steps: [{ weight: 10 }, { weight: 100 }], slo: { latencyP95Ms: 300, availability: 99.9 }, route: "primary" };
    expect(describeChange({ action: "update", outcome: "success", before, after })).toBe("changed route, steps");
    expect(changedFields(before, before)).toEqual([]);
  });

  it("is null when nothing changed", () => {
    expect(describeChange({ action: "rollback", outcome: "refused", before: { canaryWeight: 5 }, after: { canaryWeight: 0 } })).toBeNull();
    expect(describeChange({ action: "start", outcome: "success", before: null, after: null })).toBeNull();
    expect(describeChange({ action: "create", outcome: "success", before: null, after: { name: "a" } })).toBe("created");
  });
});
