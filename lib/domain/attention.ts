import type { AnalysisMode } from "./analysis/definition";
import type { Verdict } from "./analysis/evaluate";
import type { Rollout } from "./rollout";
import { formatDuration } from "./duration";
import { holdReason, pauseOf, routeAt } from "./steps/plan";

// Its callers (notifications, pages) import it from here; it lives apart so step kinds can use it without a cycle.
export { formatDuration };

/**
 * The overview's attention rule: which rollouts need a person now, and why, in words. Pure: the
 * overview's use case supplies each gate's latest verdict and the clock; the browser adds the live
 * traffic (drift) it polls and calls the same function, so server and page agree.
 *
 * - "needs-you": a gate failing or inconclusive (while analysis is on and the rollout live), its
 *   verdicts stale (no evaluation for three intervals: the loop is not running for it),
 *   weights drifted in the cluster, paused, waiting for a manual promotion (a step without a
 *   pause, or a pause that is over while analysis will not promote), or waiting for an approval
 *   only a person can give (an unticked checklist item, a failing approval check).
 * - A freeze window holding the rollout's promotions is said in its reasons, whatever its group.
 * - "progressing": live and moving on its own or still in its pause; drafts, after them.
 * - "finished": promoted, rolled back, archived (unless the cluster drifted from them).
 *
 * The sort key orders the whole list: needs-you first, most urgent first (failing, drift,
 * inconclusive, paused, waiting), then the longest waiting; progressing by step start, oldest
 * first; finished most recently changed first.
 */

export const ATTENTION_GROUPS = ["needs-you", "progressing", "finished"] as const;
export type AttentionGroup = (typeof ATTENTION_GROUPS)[number];

/** Most urgent first: the order of the reasons and of the needs-you list. */
export const URGENCIES = ["failing", "drift", "inconclusive", "paused", "waiting"] as const;
export type Urgency = (typeof URGENCIES)[number];

/** `at`: when the verdict was reached (a Date, or its ISO string in the browser); absent when unknown. */
export type GateVerdict = { gate: string; verdict: Verdict; reason: string; at?: Date | string | undefined };

/** What the overview knows of the cluster: absent while unknown (not loaded, cluster unreachable). */
export type LiveWeights = { canaryWeight: number; drift: boolean };

export type AttentionInput = {
  rollout: Pick<Rollout, "status" | "currentStep" | "steps" | "canaryWeight" | "stepStartedAt" | "updatedAt"> & {
    analysis?: { mode: AnalysisMode; intervalSeconds?: number | undefined } | undefined;
  };
  /** Each gate's latest evaluation; empty when never evaluated. */
  gates: readonly GateVerdict[];
  live?: LiveWeights | null | undefined;
  /** What holds its promotions: approvals waiting for a person, a freeze window (words, or null). */
  holds?: PromotionHolds | undefined;
  now: Date;
};

export type PromotionHolds = { approval: string | null; frozen: string | null };

export type Attention = {
  group: AttentionGroup;
  /** Why, in words, most urgent first; for progressing rollouts, what happens next. */
  reasons: string[];
  /** The most urgent reason's kind, for needs-you. */
  urgency: Urgency | null;
  /** [group, urgency, time in ms]: compare element by element, smallest first. */
  sortKey: [number, number, number];
};

const LIVE_STATUSES: readonly Rollout["status"][] = ["progressing", "paused"];
const FINISHED_STATUSES: readonly Rollout["status"][] = ["promoted", "rolled_back", "archived"];

type Found = { urgency: Urgency; text: string };

function stepName(rollout: AttentionInput["rollout"]): string {
  const index = rollout.currentStep ?? 0;
  const weight = index < rollout.steps.length ? routeAt(rollout.steps, index).canaryWeight : rollout.canaryWeight;
  return `step ${index + 1} (${weight}%)`;
}

/** Waiting for a person to promote, or what happens next when not. */
function promotionState({ rollout, now }: AttentionInput): { waiting: string } | { next: string } {
  const step = rollout.currentStep === null ? undefined : rollout.steps[rollout.currentStep];
  const mode = rollout.analysis?.mode ?? "off";
  const hold = holdReason(step);
  if (hold !== null) return { waiting: `waiting for a manual promotion: ${stepName(rollout)} waits for a person (${hold})` };
  const pauseSeconds = pauseOf(step);
  if (pauseSeconds === undefined) return { waiting: `waiting for a manual promotion: ${stepName(rollout)} has no pause` };
  const started = (rollout.stepStartedAt ?? rollout.updatedAt).getTime();
  const left = (started + pauseSeconds * 1000 - now.getTime()) / 1000;
  if (mode === "auto") {
    return {
      next:
        left > 0
          ? `analysis promotes ${stepName(rollout)} after its pause if every gate passes: ${formatDuration(left)} left`
          : `analysis promotes ${stepName(rollout)} once every gate has passed for ${formatDuration(pauseSeconds)}`,
    };
  }
  if (left > 0) return { next: `${stepName(rollout)} pause: ${formatDuration(left)} left, then it waits for a manual promotion` };
  const why = mode === "off" ? "analysis is off" : `analysis is in ${mode} mode`;
  return { waiting: `waiting for a manual promotion: ${why} and the ${formatDuration(pauseSeconds)} pause of ${stepName(rollout)} is over` };
}

/** Verdicts older than this many intervals (plus STALE_SLACK_SECONDS) mean the loop is not running for the rollout. */
export const STALE_INTERVALS = 3;
export const STALE_SLACK_SECONDS = 10;

type StaleInput = { rollout: Pick<AttentionInput["rollout"], "status" | "analysis">; newestAt: Date | null; now: Date };

/**
 * Seconds since a live analysed rollout's newest verdict, when that is longer than the loop ever
 * leaves it (three intervals and 10 s): the loop is not running for it. Null otherwise, and when
 * it has no verdict yet. The rollout page and the overview both say so from this.
 */
export function staleVerdictsFor({ rollout, newestAt, now }: StaleInput): number | null {
  if (!LIVE_STATUSES.includes(rollout.status) || !rollout.analysis || rollout.analysis.mode === "off" || newestAt === null) return null;
  const age = (now.getTime() - newestAt.getTime()) / 1000;
  return age > STALE_INTERVALS * (rollout.analysis.intervalSeconds ?? 5) + STALE_SLACK_SECONDS ? age : null;
}

function newestOf(gates: readonly GateVerdict[]): Date | null {
  const times = gates.flatMap(({ at }) => (at === undefined ? [] : [new Date(at).getTime()])).filter(Number.isFinite);
  return times.length === 0 ? null : new Date(Math.max(...times));
}

function gateReasons({ rollout, gates, now }: AttentionInput): Found[] {
  if (!LIVE_STATUSES.includes(rollout.status) || (rollout.analysis?.mode ?? "off") === "off") return [];
  const found: Found[] = [];
  const stale = staleVerdictsFor({ rollout, newestAt: newestOf(gates), now });
  if (stale !== null) {
    found.push({
      urgency: "inconclusive",
      text: `analysis stale: no evaluation for ${formatDuration(stale)}, the loop is not running for it; nothing advances or rolls back on its own`,
    });
  }
  for (const { gate, verdict, reason } of gates) {
    if (verdict === "fail") found.push({ urgency: "failing", text: `gate ${gate} failing: ${reason}` });
    if (verdict === "inconclusive") found.push({ urgency: "inconclusive", text: `gate ${gate} inconclusive: ${reason}` });
  }
  return found;
}

export function attentionOf(input: AttentionInput): Attention {
  const { rollout, live } = input;
  const found = gateReasons(input);
  if (live?.drift && rollout.status !== "draft" && rollout.status !== "archived") {
    found.push({ urgency: "drift", text: `drift: cluster shows ${live.canaryWeight}%, Aviary set ${rollout.canaryWeight}%` });
  }
  if (rollout.status === "paused") found.push({ urgency: "paused", text: "paused" });
  const promotion = rollout.status === "progressing" ? promotionState(input) : null;
  if (promotion && "waiting" in promotion) found.push({ urgency: "waiting", text: promotion.waiting });
  const holds = LIVE_STATUSES.includes(rollout.status) ? input.holds : undefined;
  if (holds?.approval && rollout.status === "progressing") found.push({ urgency: "waiting", text: holds.approval });
  const frozen = holds?.frozen ? [`promotions held: ${holds.frozen}`] : [];

  const since = (rollout.status === "paused" ? rollout.updatedAt : (rollout.stepStartedAt ?? rollout.updatedAt)).getTime();
  if (found.length > 0) {
    found.sort((a, b) => URGENCIES.indexOf(a.urgency) - URGENCIES.indexOf(b.urgency));
    const urgency = found[0]!.urgency;
    return { group: "needs-you", reasons: [...found.map((f) => f.text), ...frozen], urgency, sortKey: [0, URGENCIES.indexOf(urgency), since] };
  }
  if (FINISHED_STATUSES.includes(rollout.status)) return { group: "finished", reasons: [], urgency: null, sortKey: [2, 0, -rollout.updatedAt.getTime()] };
  if (rollout.status === "draft")
    return { group: "progressing", reasons: ["not started (draft)"], urgency: null, sortKey: [1, 1, -rollout.updatedAt.getTime()] };
  return { group: "progressing", reasons: [...(promotion && "next" in promotion ? [promotion.next] : []), ...frozen], urgency: null, sortKey: [1, 0, since] };
}

export function compareAttention(a: Pick<Attention, "sortKey">, b: Pick<Attention, "sortKey">): number {
  for (let i = 0; i < 3; i++) {
    const diff = (a.sortKey[i] ?? 0) - (b.sortKey[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
