import type { Approvals } from "./definition";

/**
 * Whether a rollout's approvals allow a promotion now, and if not, why, in words. Pure: the
 * caller supplies the ticks, each check's latest result, who would promote and the clock.
 *
 * - Every checklist item must be ticked. Ticks hold for the whole rollout (every later step): they
 *   record facts about the release ("on-call told", "migration applied") that do not change between
 *   steps; anything that must be re-verified at each step belongs in an HTTP check.
 * - `requireDifferentPerson`: whoever promotes must not be whoever ticked the item. Analysis
 *   (aviary-analysis) counts as a different actor: the item still needs a person's tick, and
 *   analysis only promotes after its gates have passed.
 * - Every check's latest result must pass and be at most CHECK_FRESH_SECONDS old, and must have
 *   been run against the URL and expectation configured now.
 */

export const CHECK_FRESH_SECONDS = 600;

export type CheckResult = {
  check: string;
  url: string;
  expectStatus: number;
  at: Date;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** Bytes of the answer read (at most a few KiB) and their SHA-256: always kept, never secret. */
  size: number | null;
  sha256: string | null;
  /** A text answer's first characters, credentials masked: for operators and above, never audited. */
  excerpt: string | null;
  error: string | null;
  actorId: string;
};

export type Tick = { itemId: string; actorId: string; actorEmail: string | null; at: Date };

export type CheckState = "pass" | "fail" | "stale" | "missing";

export type ApprovalEvaluation = {
  ready: boolean;
  ticked: number;
  total: number;
  checks: { name: string; state: CheckState; result: CheckResult | null }[];
  /** Why a promotion would wait, most actionable first; empty when ready. */
  blockers: string[];
  /** Something only a person can resolve: an unticked item, a failing check, a tick by the promoter. */
  needsPerson: boolean;
};

export function describeResult(result: Pick<CheckResult, "ok" | "status" | "error" | "expectStatus">): string {
  if (result.error) return result.error;
  return result.ok ? `HTTP ${result.status}` : `HTTP ${result.status}, expected ${result.expectStatus}`;
}

function stateOf(check: Approvals["checks"][number], result: CheckResult | undefined, now: Date): CheckState {
  if (!result || result.url !== check.url || result.expectStatus !== check.expectStatus) return "missing";
  if (!result.ok) return "fail";
  return now.getTime() - result.at.getTime() > CHECK_FRESH_SECONDS * 1000 ? "stale" : "pass";
}

export function evaluateApprovals({
  approvals,
  ticks,
  results,
  promoter,
  now,
}: {
  approvals: Approvals | undefined;
  ticks: readonly Tick[];
  results: readonly CheckResult[];
  /** Who would promote (an actor id), or null when nobody in particular (the overview). */
  promoter: string | null;
  now: Date;
}): ApprovalEvaluation {
  if (!approvals) return { ready: true, ticked: 0, total: 0, checks: [], blockers: [], needsPerson: false };
  const blockers: string[] = [];
  let needsPerson = false;
  const tickOf = new Map(ticks.map((tick) => [tick.itemId, tick]));
  const items = approvals.checklist;
  const ticked = items.filter((item) => tickOf.has(item.id)).length;
  if (ticked < items.length) {
    needsPerson = true;
    const open = items.filter((item) => !tickOf.has(item.id)).map((item) => `'${item.text}'`);
    blockers.push(`waiting for approval: ${ticked} of ${items.length} checklist item${items.length === 1 ? "" : "s"} ticked (open: ${open.join(", ")})`);
  }
  if (promoter !== null) {
    for (const item of items) {
      const tick = tickOf.get(item.id);
      if (item.requireDifferentPerson && tick && tick.actorId === promoter) {
        needsPerson = true;
        blockers.push(`'${item.text}' was ticked by ${tick.actorEmail ?? tick.actorId}, who may not also promote: someone else must promote`);
      }
    }
  }
  const latest = new Map(results.map((result) => [result.check, result]));
  const checks = approvals.checks.map((check) => {
    const result = latest.get(check.name);
    const state = stateOf(check, result, now);
    if (state === "fail") {
      needsPerson = true;
      blockers.push(`check '${check.name}' failed: ${describeResult(result!)}`);
    }
    if (state === "stale") blockers.push(`check '${check.name}' last passed more than ${CHECK_FRESH_SECONDS / 60} min ago: run the checks again`);
    if (state === "missing") blockers.push(`check '${check.name}' has not run${result ? " since it was changed" : ""}: run the checks`);
    return { name: check.name, state, result: result ?? null };
  });
  return { ready: blockers.length === 0, ticked, total: items.length, checks, blockers, needsPerson };
}
