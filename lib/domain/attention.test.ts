import { describe, expect, it } from "vitest";
import { attentionOf, compareAttention, formatDuration, type AttentionInput } from "./attention";

const T0 = Date.parse("2026-01-01T12:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000);

const rollout = (extra: Partial<AttentionInput["rollout"]> = {}): AttentionInput["rollout"] => ({
  status: "progressing",
  currentStep: 1,
  steps: [{ weight: 5, pauseSeconds: 300 }, { weight: 25, pauseSeconds: 600 }, { weight: 100 }],
  canaryWeight: 25,
  stepStartedAt: at(0),
  updatedAt: at(0),
  analysis: { mode: "auto" },
  ...extra,
});

const input = (extra: Partial<AttentionInput> = {}): AttentionInput => ({ rollout: rollout(), gates: [], now: at(60), ...extra });

const failing = { gate: "errorRate", verdict: "fail" as const, reason: "canary error rate 4.9% > 0.1%" };
const inconclusive = { gate: "latencyP95", verdict: "inconclusive" as const, reason: "canary served 12 of the 20 requests needed" };
const passing = { gate: "burnRate", verdict: "pass" as const, reason: "within every paging condition" };

describe("attentionOf", () => {
  it("puts a failing gate first among the reasons, in words", () => {
    const attention = attentionOf(input({ gates: [passing, inconclusive, failing] }));
    expect(attention.group).toBe("needs-you");
    expect(attention.urgency).toBe("failing");
    expect(attention.reasons).toEqual([
      "gate errorRate failing: canary error rate 4.9% > 0.1%",
      "gate latencyP95 inconclusive: canary served 12 of the 20 requests needed",
    ]);
  });

  it("says when the verdicts are stale: no evaluation for three intervals and 10 s", () => {
    // Passing verdicts from 60 s ago, interval 5 s: the loop stopped 35 s past its limit.
    const old = [{ ...passing, at: at(0) }];
    const stale = attentionOf(input({ gates: old, now: at(60) }));
    expect(stale).toMatchObject({ group: "needs-you", urgency: "inconclusive" });
    expect(stale.reasons[0]).toBe("analysis stale: no evaluation for 1 min, the loop is not running for it; nothing advances or rolls back on its own");
    // As ISO strings too (the browser's copy), and fresh enough at 25 s.
    expect(attentionOf(input({ gates: [{ ...passing, at: at(0).toISOString() }], now: at(60) })).urgency).toBe("inconclusive");
    expect(attentionOf(input({ gates: old, now: at(25) })).group).toBe("progressing");
    // A 60 s interval allows 190 s; a finished rollout or analysis off is never stale.
    expect(attentionOf(input({ rollout: rollout({ analysis: { mode: "auto", intervalSeconds: 60 } }), gates: old, now: at(180) })).group).toBe("progressing");
    expect(attentionOf(input({ rollout: rollout({ analysis: { mode: "auto", intervalSeconds: 60 } }), gates: old, now: at(200) })).group).toBe("needs-you");
    expect(attentionOf(input({ rollout: rollout({ status: "rolled_back", canaryWeight: 0 }), gates: old, now: at(600) })).group).toBe("finished");
    expect(attentionOf(input({ rollout: rollout({ analysis: { mode: "off" } }), gates: old, now: at(600) })).reasons[0]).not.toMatch(/stale/);
  });

  it("ignores gate verdicts when analysis is off or the rollout is no longer live", () => {
    expect(
      attentionOf(input({ rollout: rollout({ analysis: { mode: "off" }, currentStep: 0, steps: [{ weight: 25, pauseSeconds: 600 }] }), gates: [failing] }))
        .group,
    ).toBe("progressing");
    expect(
      attentionOf(input({ rollout: rollout({ analysis: undefined, currentStep: 0, steps: [{ weight: 25, pauseSeconds: 600 }] }), gates: [failing] })).group,
    ).toBe("progressing");
    expect(attentionOf(input({ rollout: rollout({ status: "rolled_back", canaryWeight: 0 }), gates: [failing] })).group).toBe("finished");
  });

  it("counts observe and rollback modes' verdicts: nobody else acts on an observed failure", () => {
    expect(attentionOf(input({ rollout: rollout({ analysis: { mode: "observe" } }), gates: [failing] })).urgency).toBe("failing");
    expect(attentionOf(input({ rollout: rollout({ analysis: { mode: "rollback" } }), gates: [inconclusive] })).urgency).toBe("inconclusive");
  });

  it("reports drift with both weights, on a finished rollout too, but not on a draft", () => {
    const drifted = attentionOf(input({ live: { canaryWeight: 10, drift: true } }));
    expect(drifted).toMatchObject({ group: "needs-you", urgency: "drift", reasons: ["drift: cluster shows 10%, Aviary set 25%"] });
    expect(attentionOf(input({ rollout: rollout({ status: "rolled_back", canaryWeight: 0 }), live: { canaryWeight: 30, drift: true } })).reasons).toEqual([
      "drift: cluster shows 30%, Aviary set 0%",
    ]);
    expect(
      attentionOf(input({ rollout: rollout({ status: "draft", currentStep: null, canaryWeight: 0 }), live: { canaryWeight: 30, drift: true } })).group,
    ).toBe("progressing");
    expect(attentionOf(input({ live: { canaryWeight: 25, drift: false } })).group).toBe("progressing");
  });

  it("says paused", () => {
    expect(attentionOf(input({ rollout: rollout({ status: "paused" }) }))).toMatchObject({ group: "needs-you", urgency: "paused", reasons: ["paused"] });
  });

  it("waits for a manual promotion on a step without a pause, whatever the mode", () => {
    const noPause = rollout({ currentStep: 1, steps: [{ weight: 5, pauseSeconds: 300 }, { weight: 25 }, { weight: 100 }] });
    expect(attentionOf(input({ rollout: noPause }))).toMatchObject({
      group: "needs-you",
      urgency: "waiting",
      reasons: ["waiting for a manual promotion: step 2 (25%) has no pause"],
    });
    expect(attentionOf(input({ rollout: { ...noPause, analysis: undefined } })).urgency).toBe("waiting");
  });

  it("waits once the pause is over when analysis will not promote (off, observe, rollback)", () => {
    const manual = rollout({ analysis: { mode: "rollback" } });
    expect(attentionOf(input({ rollout: manual, now: at(599) }))).toMatchObject({
      group: "progressing",
      reasons: ["step 2 (25%) pause: 1 s left, then it waits for a manual promotion"],
    });
    expect(attentionOf(input({ rollout: manual, now: at(600) })).reasons).toEqual([
      "waiting for a manual promotion: analysis is in rollback mode and the 10 min pause of step 2 (25%) is over",
    ]);
    expect(attentionOf(input({ rollout: rollout({ analysis: undefined }), now: at(700) })).reasons).toEqual([
      "waiting for a manual promotion: analysis is off and the 10 min pause of step 2 (25%) is over",
    ]);
  });

  it("leaves auto mode's pauses to the loop", () => {
    expect(attentionOf(input({ now: at(130) }))).toMatchObject({
      group: "progressing",
      reasons: ["analysis promotes step 2 (25%) after its pause if every gate passes: 7 min 50 s left"],
    });
    expect(attentionOf(input({ now: at(900) })).group).toBe("progressing");
  });

  it("files drafts under progressing and promoted, rolled back, archived under finished", () => {
    expect(attentionOf(input({ rollout: rollout({ status: "draft", currentStep: null, canaryWeight: 0, stepStartedAt: null }) }))).toMatchObject({
      group: "progressing",
      reasons: ["not started (draft)"],
    });
    for (const status of ["promoted", "rolled_back", "archived"] as const) expect(attentionOf(input({ rollout: rollout({ status }) })).group).toBe("finished");
  });
});

describe("the order", () => {
  it("is failing, drift, inconclusive, paused, waiting; then the longest waiting first; then progressing; then finished, newest first", () => {
    const now = at(10_000);
    const noPause = [{ weight: 25 }, { weight: 100 }];
    const cases = {
      waitingOld: input({ now, rollout: rollout({ currentStep: 0, steps: noPause, stepStartedAt: at(1) }) }),
      waitingNew: input({ now, rollout: rollout({ currentStep: 0, steps: noPause, stepStartedAt: at(2) }) }),
      paused: input({ now, rollout: rollout({ status: "paused", updatedAt: at(5) }) }),
      inconclusive: input({ now, gates: [inconclusive], rollout: rollout({ status: "paused" }) }),
      drift: input({ now, live: { canaryWeight: 0, drift: true } }),
      failingNew: input({ now, gates: [failing], rollout: rollout({ stepStartedAt: at(9) }) }),
      failingOld: input({ now, gates: [failing], rollout: rollout({ stepStartedAt: at(3) }) }),
      progressing: input({ now, rollout: rollout({ stepStartedAt: at(9_900) }) }),
      draft: input({ now, rollout: rollout({ status: "draft", currentStep: null }) }),
      promotedOld: input({ now, rollout: rollout({ status: "promoted", updatedAt: at(100) }) }),
      promotedNew: input({ now, rollout: rollout({ status: "promoted", updatedAt: at(200) }) }),
    };
    const sorted = Object.entries(cases)
      .map(([name, value]) => ({ name, ...attentionOf(value) }))
      .sort(compareAttention)
      .map((a) => a.name);
    expect(sorted).toEqual([
      "failingOld",
      "failingNew",
      "drift",
      "inconclusive",
      "paused",
      "waitingOld",
      "waitingNew",
      "progressing",
      "draft",
      "promotedNew",
      "promotedOld",
    ]);
  });
});

describe("formatDuration", () => {
  it("reads like a person would say it", () => {
    expect([0, 45, 60, 130, 3600, 5400, 90_000].map(formatDuration)).toEqual(["0 s", "45 s", "1 min", "2 min 10 s", "1 h", "1 h 30 min", "25 h"]);
  });
});
