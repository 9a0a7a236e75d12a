import { describe, expect, it } from "vitest";
import { describeWeights, planAction, type RolloutAction } from "./rollout-actions";
import type { RolloutStatus } from "./rollout";

const steps = [{ weight: 5 }, { weight: 25 }, { weight: 50 }, { weight: 100 }];
const at = (status: RolloutStatus, currentStep: number | null, canaryWeight: number) => ({ status, currentStep, canaryWeight, steps });

describe("rollout state machine", () => {
  it("starts a draft at the first step", () => {
    expect(planAction(at("draft", null, 0), "start").to).toEqual({ status: "progressing", currentStep: 0, canaryWeight: 5 });
  });

  it("promotes step by step and ends promoted at 100%", () => {
    expect(planAction(at("progressing", 0, 5), "promote").to).toEqual({ status: "progressing", currentStep: 1, canaryWeight: 25 });
    expect(planAction(at("progressing", 2, 50), "promote").to).toEqual({ status: "promoted", currentStep: 3, canaryWeight: 100 });
  });

  it("promotes past a last step below 100% to full promotion", () => {
    const short = { ...at("progressing", 1, 50), steps: [{ weight: 10 }, { weight: 50 }] };
    expect(planAction(short, "promote").to).toEqual({ status: "promoted", currentStep: 1, canaryWeight: 100 });
  });

  it("promotes fully from any step", () => {
    const plan = planAction(at("progressing", 0, 5), "promote_full");
    expect(plan.to).toEqual({ status: "promoted", currentStep: 3, canaryWeight: 100 });
    expect(plan.changesWeights).toBe(true);
  });

  it("pauses and resumes without touching weights", () => {
    const pause = planAction(at("progressing", 1, 25), "pause");
    expect(pause.to).toEqual({ status: "paused", currentStep: 1, canaryWeight: 25 });
    expect(pause.changesWeights).toBe(false);
    expect(planAction(at("paused", 1, 25), "resume").to.status).toBe("progressing");
  });

  it("rolls back to 0% from every state where the canary may hold traffic", () => {
    for (const status of ["progressing", "paused", "promoted"] as const) {
      expect(planAction(at(status, 1, 25), "rollback").to).toEqual({ status: "rolled_back", currentStep: 1, canaryWeight: 0 });
    }
  });

  it("adopts the live weight without a patch", () => {
    const plan = planAction(at("progressing", 1, 25), "adopt", { liveCanaryWeight: 30 });
    expect(plan.to.canaryWeight).toBe(30);
    expect(plan.changesWeights).toBe(false);
    expect(() => planAction(at("progressing", 1, 25), "adopt")).toThrow(/no live weights/);
  });

  it.each<[RolloutStatus, RolloutAction, RegExp]>([
    ["paused", "promote", /promote is not possible while the rollout is paused: resume it first/],
    ["paused", "promote_full", /resume it first/],
    ["draft", "promote", /start it first/],
    ["draft", "rollback", /not possible while the rollout is draft/],
    ["rolled_back", "promote", /rolled back/],
    ["rolled_back", "rollback", /rolled back/],
    ["rolled_back", "start", /rolled back/],
    ["promoted", "promote", /promoted/],
    ["progressing", "start", /progressing/],
    ["progressing", "resume", /progressing/],
    ["archived", "rollback", /archived/],
  ])("refuses from %s: %s", (status, action, message) => {
    expect(() => planAction(at(status, 0, 5), action)).toThrow(message);
    try {
      planAction(at(status, 0, 5), action);
    } catch (error) {
      expect((error as { code: string }).code).toBe("INVALID_STATE");
    }
  });

  it("moves onto a hold step at its weight, and a person's promote moves past it", () => {
    const withHold = [{ weight: 5 }, { weight: 25 }, { kind: "hold" as const, weight: 50, reason: "release captain sign-off" }, { weight: 100 }];
    const onto = planAction({ status: "progressing", currentStep: 1, canaryWeight: 25, steps: withHold }, "promote");
    expect(onto).toMatchObject({ to: { status: "progressing", currentStep: 2, canaryWeight: 50 }, changesWeights: true });
    const past = planAction({ status: "progressing", currentStep: 2, canaryWeight: 50, steps: withHold }, "promote");
    expect(past.to).toEqual({ status: "promoted", currentStep: 3, canaryWeight: 100 });
    expect(planAction({ status: "progressing", currentStep: 2, canaryWeight: 50, steps: withHold }, "rollback").to).toEqual({
      status: "rolled_back",
      currentStep: 2,
      canaryWeight: 0,
    });
  });

  it("words weight changes the way the confirmation shows them", () => {
    expect(describeWeights(25, 0)).toBe("canary 25% → 0%, stable 75% → 100%");
  });
});
