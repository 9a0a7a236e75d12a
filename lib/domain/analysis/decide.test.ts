import { describe, expect, it } from "vitest";
import { decide, decideForRollout, type DecideInput, type TimedEvaluation } from "./decide";
import { analysisSchema, effectiveGates, gateId } from "./definition";

const T0 = Date.parse("2026-01-01T12:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000);

const ev = (gate: string, s: number, verdict: TimedEvaluation["verdict"], extra: Partial<TimedEvaluation> = {}): TimedEvaluation => ({
  gate,
  at: at(s),
  verdict,
  value: verdict === "fail" ? 5.2 : 0.1,
  threshold: 1,
  unit: "%",
  reason: verdict === "fail" ? "canary error rate 5.2% > 1.0% (0.1% stable), 16 errors in 312 requests in 20 s" : "fine",
  ...extra,
});

/** Every 5 s from `from` to `to` seconds, one evaluation per gate. */
const every5 = (gates: string[], from: number, to: number, verdict: TimedEvaluation["verdict"] = "pass") =>
  gates.flatMap((g) => Array.from({ length: Math.floor((to - from) / 5) + 1 }, (_, i) => ev(g, from + i * 5, verdict)));

const base: DecideInput = {
  mode: "auto",
  rollout: { status: "progressing", currentStep: 1, stepCount: 4, weight: 25, pauseSeconds: 60 },
  stepStartedAt: at(0),
  now: at(61),
  intervalSeconds: 5,
  gates: [
    { id: "errorRate", failureLimit: 1 },
    { id: "latencyP95", failureLimit: 3 },
  ],
  evaluations: every5(["errorRate", "latencyP95"], 5, 60),
};

describe("rollback", () => {
  it("rolls back on failureLimit consecutive failures, naming the gate, its value and threshold", () => {
    const decision = decide({ ...base, evaluations: [...base.evaluations, ev("errorRate", 61, "fail")] });
    expect(decision).toMatchObject({ action: "rollback", enforce: true, failing: { gate: "errorRate", value: 5.2, threshold: 1, consecutive: 1 } });
    expect(decision.reason).toBe(
      "gate errorRate failed 1 evaluation in a row (limit 1): canary error rate 5.2% > 1.0% (0.1% stable), 16 errors in 312 requests in 20 s",
    );
  });

  it("waits for failureLimit, and an inconclusive evaluation breaks the run", () => {
    const two = [ev("latencyP95", 50, "fail"), ev("latencyP95", 55, "fail")];
    expect(decide({ ...base, now: at(56), evaluations: two }).action).toBe("none");
    expect(decide({ ...base, now: at(61), evaluations: [...two, ev("latencyP95", 60, "fail")] }).action).toBe("rollback");
    const broken = [ev("latencyP95", 45, "fail"), ev("latencyP95", 50, "inconclusive"), ...two];
    expect(decide({ ...base, now: at(56), evaluations: broken }).action).toBe("none");
  });

  it("rolls back a paused rollout too, only records in observe, and does nothing when off", () => {
    const failing = [...base.evaluations, ev("errorRate", 61, "fail")];
    expect(decide({ ...base, rollout: { ...base.rollout, status: "paused" }, evaluations: failing }).action).toBe("rollback");
    expect(decide({ ...base, mode: "observe", evaluations: failing })).toMatchObject({ action: "rollback", enforce: false });
    expect(decide({ ...base, mode: "rollback", evaluations: failing })).toMatchObject({ action: "rollback", enforce: true });
    expect(decide({ ...base, mode: "off", evaluations: failing })).toMatchObject({ action: "none", reason: "analysis is off" });
  });

  it("ignores rollouts that hold no canary traffic, and evaluations from the future", () => {
    const failing = [ev("errorRate", 61, "fail")];
    expect(decide({ ...base, rollout: { ...base.rollout, status: "rolled_back" }, evaluations: failing }).action).toBe("none");
    expect(decide({ ...base, now: at(60), evaluations: [...base.evaluations, ev("errorRate", 61, "fail")] }).action).toBe("promote");
  });
});

describe("auto-advance", () => {
  it("promotes once the pause has passed with every gate passing throughout", () => {
    expect(decide(base)).toMatchObject({
      action: "promote",
      enforce: true,
      reason: "step 2 of 4 (25%) held 60 s with every gate passing (errorRate, latencyP95): on to step 3",
    });
    const last = { ...base, rollout: { ...base.rollout, currentStep: 3, weight: 100 } };
    expect(decide(last).reason).toMatch(/on to full promotion$/);
  });

  it("counts down while the pause runs", () => {
    expect(decide({ ...base, now: at(40), evaluations: every5(["errorRate", "latencyP95"], 5, 40) })).toMatchObject({ action: "none", advanceInSeconds: 20 });
  });

  it("restarts the pause after an inconclusive or failed evaluation, and says so", () => {
    const evaluations = [
      ...base.evaluations.filter((e) => !(e.gate === "latencyP95" && e.at.getTime() === at(30).getTime())),
      ev("latencyP95", 30, "inconclusive", { reason: "canary served 12 of the 20 requests needed in 1 min" }),
    ];
    const decision = decide({ ...base, evaluations });
    expect(decision).toMatchObject({ action: "none", advanceInSeconds: 29 });
    expect(decision.reason).toBe(
      "step 2 of 4 (25%): every gate passing, promoting in 29 s if they keep passing (the pause restarted at 12:00:30, when gate latencyP95 was inconclusive)",
    );
    // 60 s of passing evaluations after it, and the step advances.
    const later = [...evaluations, ...every5(["errorRate", "latencyP95"], 65, 90)];
    expect(decide({ ...base, evaluations: later, now: at(91) }).action).toBe("promote");
  });

  it("does not advance while the latest evaluation is not passing", () => {
    const evaluations = [...base.evaluations, ev("latencyP95", 61, "inconclusive", { reason: "no data" })];
    const decision = decide({ ...base, evaluations, now: at(62) });
    expect(decision).toMatchObject({ action: "none" });
    expect(decision.reason).toBe("gate latencyP95 is inconclusive, so step 2 of 4 (25%) does not advance: no data");
  });

  it("does not count evaluations from before the step began", () => {
    const evaluations = [ev("errorRate", -10, "inconclusive"), ...base.evaluations];
    expect(decide({ ...base, evaluations }).action).toBe("promote");
  });

  it("holds when the loop stopped watching for a while", () => {
    const gap = base.evaluations.filter((e) => e.at.getTime() < at(20).getTime() || e.at.getTime() > at(45).getTime());
    expect(decide({ ...base, evaluations: gap }).reason).toMatch(/was not evaluated for more than 15 s/);
    expect(decide({ ...base, now: at(80) }).reason).toMatch(/was not evaluated for more than 15 s/);
  });

  it("never advances a paused rollout, in rollback mode, or a step without a pause", () => {
    expect(decide({ ...base, rollout: { ...base.rollout, status: "paused" } }).reason).toBe("the rollout is paused: it does not advance until resumed");
    expect(decide({ ...base, mode: "rollback" })).toMatchObject({ action: "none", reason: "mode rollback: people promote" });
    expect(decide({ ...base, rollout: { ...base.rollout, pauseSeconds: undefined } }).reason).toBe(
      "step 2 of 4 (25%) has no pause: it waits for a person to promote",
    );
  });
});

describe("a hold step", () => {
  const hold = { ...base, rollout: { status: "progressing" as const, currentStep: 2, stepCount: 4, weight: 50, holdFor: "release captain sign-off" } };

  it("never promotes in auto mode, however long every gate passes, and says what it waits for", () => {
    for (const now of [61, 600, 86_400]) {
      const decision = decide({ ...hold, now: at(now), evaluations: every5(["errorRate", "latencyP95"], 5, now) });
      expect(decision).toEqual({ action: "none", enforce: false, reason: "step 3 of 4 (50%) waits for a person (release captain sign-off)" });
    }
  });

  it("still rolls back when a gate fails", () => {
    const decision = decide({ ...hold, evaluations: [...hold.evaluations, ev("errorRate", 61, "fail")] });
    expect(decision).toMatchObject({ action: "rollback", enforce: true, failing: { gate: "errorRate" } });
  });

  it("is read from the stored plan: a hold step's reason, a weight step's pause", () => {
    const stored = {
      status: "progressing" as const,
      currentStep: 2,
      canaryWeight: 50,
      stepStartedAt: at(0),
      analysis: analysisSchema.parse({ mode: "auto", intervalSeconds: 5 }),
      slo: { availability: 99.9, latencyP95Ms: 300 },
      steps: [
        { weight: 5, pauseSeconds: 60 },
        { weight: 25, pauseSeconds: 60 },
        { kind: "hold" as const, weight: 50, reason: "release captain sign-off" },
        { weight: 100 },
      ],
    };
    const passing = every5(effectiveGates(stored.analysis, stored.slo).map(gateId), 5, 600);
    expect(decideForRollout(stored, passing, at(600)).reason).toBe("step 3 of 4 (50%) waits for a person (release captain sign-off)");
    const before = { ...stored, currentStep: 1, canaryWeight: 25 };
    expect(
      decideForRollout(
        before,
        passing.filter((e) => e.at <= at(61)),
        at(61),
      ),
    ).toMatchObject({ action: "promote", reason: expect.stringContaining("on to step 3") });
  });
});
