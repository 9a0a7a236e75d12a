import type { Rollout, RolloutStatus } from "../rollout";
import { advanceOf } from "../steps/plan";
import { effectiveGates, gateId, type AnalysisMode } from "./definition";
import type { GateEvaluation } from "./evaluate";

/**
 * What analysis does about a rollout now, from its gates' recent evaluations. Pure: the loop
 * supplies the history and the clock, and carries the decision out through the same action path
 * as a person (as the actor aviary-analysis, with `reason` as the action's reason).
 *
 * - Rollback when a gate has failed `failureLimit` evaluations in a row (its latest ones); an
 *   inconclusive evaluation ends the run, since it is no evidence either way. Rollback wins over
 *   everything, a paused rollout included.
 * - In `auto`, promote once the step's pauseSeconds have passed since it began and every gate
 *   passed every evaluation during it, with no gap longer than three intervals (a loop that was
 *   down has not watched the canary). A failed or inconclusive evaluation restarts the pause: the
 *   step advances only after pauseSeconds in which every gate passed every evaluation. Paused
 *   rollouts never advance; a step without pauseSeconds waits for a person, and a hold step
 *   (lib/domain/steps/hold.ts) waits for one whatever the gates say, saying for what.
 * - `observe` returns the same decision with `enforce: false`: shown, recorded, never acted on.
 */

export type Decision = {
  action: "rollback" | "promote" | "none";
  /** false unless the mode allows acting on it (observe records what it would have done). */
  enforce: boolean;
  reason: string;
  failing?: { gate: string; value: number | null; threshold: number | null; unit: string; consecutive: number };
  /** Seconds until the step's pause is over, while waiting for it with every gate passing. */
  advanceInSeconds?: number;
};

export type RolloutSummary = {
  status: RolloutStatus;
  currentStep: number | null;
  stepCount: number;
  /** The current step's weight and pause. */
  weight: number;
  pauseSeconds?: number;
  /** What the step holds for ("release captain sign-off"): only a person promotes past it. */
  holdFor?: string;
};

export type TimedEvaluation = Pick<GateEvaluation, "gate" | "verdict" | "value" | "threshold" | "unit" | "reason"> & { at: Date };

export type DecideInput = {
  mode: AnalysisMode;
  rollout: RolloutSummary;
  stepStartedAt: Date | null;
  now: Date;
  intervalSeconds: number;
  gates: readonly { id: string; failureLimit: number }[];
  evaluations: readonly TimedEvaluation[];
};

const ACTIVE: readonly RolloutStatus[] = ["progressing", "paused"];

const none = (reason: string, extra: Partial<Decision> = {}): Decision => ({ action: "none", enforce: false, reason, ...extra });

function historyOf(gate: string, evaluations: readonly TimedEvaluation[], now: Date): TimedEvaluation[] {
  return evaluations.filter((e) => e.gate === gate && e.at.getTime() <= now.getTime()).sort((a, b) => a.at.getTime() - b.at.getTime());
}

function trailingFailures(history: readonly TimedEvaluation[]): number {
  let count = 0;
  for (let i = history.length - 1; i >= 0 && history[i]?.verdict === "fail"; i--) count++;
  return count;
}

const clock = (at: Date) => at.toISOString().slice(11, 19);

export function decide({ mode, rollout, stepStartedAt, now, intervalSeconds, gates, evaluations }: DecideInput): Decision {
  if (mode === "off") return none("analysis is off");
  if (!ACTIVE.includes(rollout.status)) return none(`the rollout is ${rollout.status.replace("_", " ")}: nothing to judge`);
  if (gates.length === 0) return none("no gates to evaluate");
  const enforce = mode !== "observe";

  for (const gate of gates) {
    const history = historyOf(gate.id, evaluations, now);
    const consecutive = trailingFailures(history);
    const last = history[history.length - 1];
    if (last && consecutive >= gate.failureLimit) {
      return {
        action: "rollback",
        enforce,
        reason: `gate ${gate.id} failed ${consecutive} evaluation${consecutive === 1 ? "" : "s"} in a row (limit ${gate.failureLimit}): ${last.reason}`,
        failing: { gate: gate.id, value: last.value, threshold: last.threshold, unit: last.unit, consecutive },
      };
    }
  }

  if (mode !== "auto") return none(`mode ${mode}: people promote`);
  if (rollout.status === "paused") return none("the rollout is paused: it does not advance until resumed");
  if (rollout.currentStep === null || stepStartedAt === null) return none("the rollout has not started a step");
  const stepName = `step ${rollout.currentStep + 1} of ${rollout.stepCount} (${rollout.weight}%)`;
  if (rollout.holdFor !== undefined) return none(`${stepName} waits for a person (${rollout.holdFor})`);
  if (rollout.pauseSeconds === undefined) return none(`${stepName} has no pause: it waits for a person to promote`);

  // The pause counts from the step's start, or from the last evaluation that did not pass: a failed
  // or inconclusive moment restarts it, so the step is held `pauseSeconds` with every gate passing.
  const maxGapMs = 3 * intervalSeconds * 1000;
  const stepStart = stepStartedAt.getTime();
  let start = stepStart;
  let restartedBy: TimedEvaluation | undefined;
  for (const gate of gates) {
    for (const e of historyOf(gate.id, evaluations, now)) {
      if (e.at.getTime() >= stepStart && e.verdict !== "pass" && e.at.getTime() >= start) {
        start = e.at.getTime();
        restartedBy = e;
      }
    }
  }
  const elapsedMs = now.getTime() - start;
  if (restartedBy && now.getTime() - restartedBy.at.getTime() < intervalSeconds * 1000) {
    return none(
      `gate ${restartedBy.gate} is ${restartedBy.verdict === "fail" ? "failing" : "inconclusive"}, so ${stepName} does not advance: ${restartedBy.reason}`,
    );
  }
  for (const gate of gates) {
    const during = historyOf(gate.id, evaluations, now).filter((e) => e.at.getTime() > start);
    const times = [start, ...during.map((e) => e.at.getTime()), now.getTime()];
    // The first evaluation may come up to one interval after the step began, beyond the gap.
    const gap = times.findIndex((t, i) => i > 0 && t - (times[i - 1] ?? t) > maxGapMs + (i === 1 ? intervalSeconds * 1000 : 0));
    if (gap !== -1 && elapsedMs >= rollout.pauseSeconds * 1000) {
      return none(
        `gate ${gate.id} was not evaluated for more than ${3 * intervalSeconds} s during ${stepName} (${during.length} evaluations), so it waits for a person`,
      );
    }
  }
  if (elapsedMs < rollout.pauseSeconds * 1000) {
    const left = Math.ceil((rollout.pauseSeconds * 1000 - elapsedMs) / 1000);
    const since = restartedBy ? ` (the pause restarted at ${clock(restartedBy.at)}, when gate ${restartedBy.gate} was ${restartedBy.verdict})` : "";
    return none(`${stepName}: every gate passing, promoting in ${left} s if they keep passing${since}`, { advanceInSeconds: left });
  }
  const next = rollout.currentStep + 1 < rollout.stepCount ? `step ${rollout.currentStep + 2}` : "full promotion";
  return {
    action: "promote",
    enforce,
    reason: `${stepName} held ${rollout.pauseSeconds} s with every gate passing (${gates.map((g) => g.id).join(", ")}): on to ${next}`,
  };
}

/** decide() for a stored rollout: its mode, step, pause and gates (its own or those of its SLO). */
export function decideForRollout(
  rollout: Pick<Rollout, "status" | "currentStep" | "steps" | "canaryWeight" | "stepStartedAt" | "analysis" | "slo">,
  evaluations: readonly TimedEvaluation[],
  now: Date,
): Decision {
  if (!rollout.analysis) return none("analysis is off");
  const step = rollout.currentStep === null ? undefined : rollout.steps[rollout.currentStep];
  // What the step's kind allows analysis to do past it (lib/domain/steps).
  const advance = step ? advanceOf(step) : { person: true as const };
  return decide({
    mode: rollout.analysis.mode,
    rollout: {
      status: rollout.status,
      currentStep: rollout.currentStep,
      stepCount: rollout.steps.length,
      weight: rollout.canaryWeight,
      ...("afterSeconds" in advance ? { pauseSeconds: advance.afterSeconds } : {}),
      ...("hold" in advance ? { holdFor: advance.hold } : {}),
    },
    stepStartedAt: rollout.stepStartedAt,
    now,
    intervalSeconds: rollout.analysis.intervalSeconds,
    gates: effectiveGates(rollout.analysis, rollout.slo).map((gate) => ({ id: gateId(gate), failureLimit: gate.failureLimit })),
    evaluations,
  });
}
