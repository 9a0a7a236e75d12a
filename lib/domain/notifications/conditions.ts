import type { Decision } from "../analysis/decide";
import { attentionOf, formatDuration, type LiveWeights } from "../attention";
import type { Rollout } from "../rollout";
import { pauseOf } from "../steps/plan";
import type { NoticeType } from "./definition";

/**
 * The states worth a notification that no audit event marks: the cluster drifted from Aviary's
 * record, a rollout has waited for a person longer than its `waitingMinutes`, and analysis in
 * observe mode would roll back. Each has a key that names its episode (the step, the pause), so
 * the dispatcher announces it once while it lasts and again only after it cleared and came back.
 */
export type Condition = { key: string; type: NoticeType; text: string; since: Date };

export type ConditionInput = {
  rollout: Pick<Rollout, "status" | "currentStep" | "steps" | "canaryWeight" | "stepStartedAt" | "updatedAt" | "analysis">;
  /** The cluster's weights when known (watch cache); absent when it could not be read. */
  live?: LiveWeights | null;
  /** analysis' decision now, for rollouts in observe mode; null otherwise. */
  observeDecision?: Decision | null;
  waitingMinutes: number;
  now: Date;
};

export function conditionsOf({ rollout, live, observeDecision, waitingMinutes, now }: ConditionInput): Condition[] {
  const found: Condition[] = [];
  const step = rollout.currentStep ?? 0;
  if (live?.drift && rollout.status !== "draft" && rollout.status !== "archived") {
    found.push({
      key: "drift",
      type: "drift",
      text: `drift: the cluster shows canary ${live.canaryWeight}%, Aviary set ${rollout.canaryWeight}%; adopt the live weights or roll back`,
      since: now,
    });
  }
  const attention = attentionOf({ rollout, gates: [], live: null, now });
  if (attention.urgency === "paused" || attention.urgency === "waiting") {
    const pause = pauseOf(rollout.steps[step]) ?? 0;
    const since = rollout.status === "paused" ? rollout.updatedAt : new Date((rollout.stepStartedAt ?? rollout.updatedAt).getTime() + pause * 1000);
    const waited = (now.getTime() - since.getTime()) / 1000;
    if (waited >= waitingMinutes * 60) {
      const what = rollout.status === "paused" ? "paused" : (attention.reasons.find((reason) => reason.startsWith("waiting")) ?? "waiting for a person");
      found.push({
        key: `waiting:${rollout.status}:${step}`,
        type: "waiting",
        text: `${formatDuration(waited)} waiting for a person: ${what}`,
        since,
      });
    }
  }
  if (rollout.analysis?.mode === "observe" && observeDecision?.action === "rollback" && !observeDecision.enforce) {
    found.push({ key: `would-roll-back:${step}`, type: "verdict", text: `analysis (observe mode) would roll back: ${observeDecision.reason}`, since: now });
  }
  return found;
}

/**
 * Observe-mode verdicts flap: three failures, one pass, failing again would announce "would roll
 * back" each time. A verdict condition stays open (not announced again) until it has been absent
 * for `holdOffMs`. `seen` is the caller's memory of when each `${rolloutId} ${key}` was last
 * present; this records the present ones and returns the absent ones still held open.
 */
export function heldVerdicts({
  seen,
  present,
  now,
  holdOffMs,
}: {
  seen: Map<string, number>;
  present: readonly { rolloutId: string; condition: string }[];
  now: Date;
  holdOffMs: number;
}): { rolloutId: string; condition: string }[] {
  const at = now.getTime();
  const isVerdict = (condition: string) => condition.startsWith("would-roll-back:");
  const presentKeys = new Set(present.filter((p) => isVerdict(p.condition)).map((p) => `${p.rolloutId} ${p.condition}`));
  for (const key of presentKeys) seen.set(key, at);
  const held: { rolloutId: string; condition: string }[] = [];
  for (const [key, last] of seen) {
    if (presentKeys.has(key)) continue;
    if (at - last >= holdOffMs) {
      seen.delete(key);
      continue;
    }
    const [rolloutId = "", condition = ""] = key.split(" ");
    held.push({ rolloutId, condition });
  }
  return held;
}
