import { AppError } from "../app-error";
import type { Rollout, RolloutStatus } from "./rollout";
import { rollbackRoute, routeAt } from "./steps/plan";

/**
 * The rollout state machine: which action is allowed from which status, and the state it leads
 * to. Pure, shared by the API (to decide) and the UI (to enable buttons and word confirmations).
 */
export const ROLLOUT_ACTIONS = ["start", "promote", "promote_full", "pause", "resume", "rollback", "adopt"] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

/** Actions whose reason is mandatory: the ones an auditor will ask about first. */
export const REASON_REQUIRED: readonly RolloutAction[] = ["rollback", "promote_full"];

export type TargetState = { status: RolloutStatus; currentStep: number | null; canaryWeight: number };

export type ActionPlan = {
  action: RolloutAction;
  from: TargetState;
  to: TargetState;
  /** true when the VirtualService weights change; pause/resume/adopt only change Aviary's record. */
  changesWeights: boolean;
};

type Current = Pick<Rollout, "status" | "currentStep" | "canaryWeight" | "steps">;

const ALLOWED_FROM: Record<RolloutAction, readonly RolloutStatus[]> = {
  start: ["draft"],
  promote: ["progressing"],
  promote_full: ["progressing"],
  pause: ["progressing"],
  resume: ["paused"],
  // Rollback is the safe direction: allowed from every state in which the canary may hold traffic.
  rollback: ["progressing", "paused", "promoted"],
  adopt: ["progressing", "paused"],
};

const REFUSAL_HINT: Partial<Record<RolloutAction, Partial<Record<RolloutStatus, string>>>> = {
  promote: { paused: "resume it first", draft: "start it first" },
  promote_full: { paused: "resume it first", draft: "start it first" },
};

export function isAllowed(action: RolloutAction, status: RolloutStatus): boolean {
  return ALLOWED_FROM[action].includes(status);
}

export function refusalReason(action: RolloutAction, status: RolloutStatus): string | null {
  if (isAllowed(action, status)) return null;
  const hint = REFUSAL_HINT[action]?.[status];
  return `${label(action)} is not possible while the rollout is ${status.replace("_", " ")}${hint ? `: ${hint}` : ""}`;
}

export function label(action: RolloutAction): string {
  return {
    start: "start",
    promote: "promote",
    promote_full: "full promotion",
    pause: "pause",
    resume: "resume",
    rollback: "rollback",
    adopt: "adopting the live weights",
  }[action];
}

/** The state an action leads to, or an INVALID_STATE error saying why not. */
export function planAction(rollout: Current, action: RolloutAction, { liveCanaryWeight }: { liveCanaryWeight?: number } = {}): ActionPlan {
  const reason = refusalReason(action, rollout.status);
  if (reason) throw new AppError("INVALID_STATE", reason);
  const from: TargetState = { status: rollout.status, currentStep: rollout.currentStep, canaryWeight: rollout.canaryWeight };
  const to = nextState(rollout, action, liveCanaryWeight);
  return { action, from, to, changesWeights: to.canaryWeight !== from.canaryWeight && action !== "adopt" };
}

// The weights come from the steps' kinds (lib/domain/steps): the route at a step, the route a rollback leaves.
function nextState(rollout: Current, action: RolloutAction, liveCanaryWeight: number | undefined): TargetState {
  const { steps, currentStep } = rollout;
  switch (action) {
    case "start":
      return { status: "progressing", currentStep: 0, canaryWeight: steps.length > 0 ? routeAt(steps, 0).canaryWeight : 0 };
    case "promote": {
      const next = (currentStep ?? -1) + 1;
      if (next >= steps.length) return { status: "promoted", currentStep: steps.length - 1, canaryWeight: 100 };
      const { canaryWeight } = routeAt(steps, next);
      return { status: canaryWeight === 100 ? "promoted" : "progressing", currentStep: next, canaryWeight };
    }
    case "promote_full":
      return { status: "promoted", currentStep: steps.length - 1, canaryWeight: 100 };
    case "pause":
      return { status: "paused", currentStep, canaryWeight: rollout.canaryWeight };
    case "resume":
      return { status: "progressing", currentStep, canaryWeight: rollout.canaryWeight };
    case "rollback":
      return { status: "rolled_back", currentStep, canaryWeight: rollbackRoute(steps, currentStep).canaryWeight };
    case "adopt": {
      if (liveCanaryWeight === undefined) throw new AppError("INVALID_STATE", "there are no live weights to adopt");
      return { status: rollout.status, currentStep, canaryWeight: liveCanaryWeight };
    }
  }
}

/** "canary 25% → 0%, stable 75% → 100%": the words a confirmation and the audit log use. */
export function describeWeights(from: number, to: number): string {
  return `canary ${from}% → ${to}%, stable ${100 - from}% → ${100 - to}%`;
}
