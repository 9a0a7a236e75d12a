import { CHECK_FRESH_SECONDS, describeResult, type ApprovalEvaluation, type CheckResult, type CheckState, type Tick } from "../domain/approvals/status";
import { describeFreeze, formatInZone, type ActiveFreeze } from "../domain/freeze/windows";
import { shownUrl } from "../domain/redact-url";
import { hasRole, type Role } from "../domain/roles";
import type { Rollout } from "../domain/rollout";

/** GET /api/rollouts/{id}/approvals: the rollout's approvals as they stand, for the caller as promoter. */
export type CheckResultJson = {
  at: string;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** Bytes of the answer read (at most 4 KiB) and their SHA-256: tell two answers apart without showing them. */
  size: number | null;
  sha256: string | null;
  /** The first characters of a text answer, credentials masked; null for viewers (then excerptWithheld). */
  excerpt: string | null;
  excerptWithheld: boolean;
  error: string | null;
  actorId: string;
  /** "HTTP 200", "HTTP 503, expected 200", "no answer within 5000 ms". */
  summary: string;
};

export type ActiveFreezeJson = { id: string; name: string; zone: string; end: string; until: string; description: string };

export type RolloutApprovalsJson = {
  /** false when the rollout has no approvals block: only freezes can hold its promotions. */
  configured: boolean;
  checks: { name: string; url: string; expectStatus: number; timeoutMs: number; state: CheckState; last: CheckResultJson | null }[];
  checklist: { id: string; text: string; requireDifferentPerson: boolean; tick: { actorId: string; actorEmail: string | null; at: string } | null }[];
  ticked: number;
  total: number;
  /** Why a promotion by the caller would wait for approvals now; empty when it would not. */
  blockers: string[];
  /** Freeze windows holding this rollout's promotions now. */
  freezes: ActiveFreezeJson[];
  freshSeconds: number;
  readAt: string;
};

/**
 * A check's answer as shown: status, latency, size and hash to everyone; the excerpt (masked
 * already) only to operators and above, since the checked service may say more than it should.
 */
export function checkResultJson(result: CheckResult, { showExcerpt }: { showExcerpt: boolean }): CheckResultJson {
  const { at, ok, status, latencyMs, size, sha256, excerpt, error, actorId } = result;
  return {
    at: at.toISOString(),
    ok,
    status,
    latencyMs,
    size,
    sha256,
    excerpt: showExcerpt ? excerpt : null,
    excerptWithheld: !showExcerpt && excerpt !== null,
    error,
    actorId,
    summary: describeResult(result),
  };
}

/** What holds a rollout's promotion, as read for one viewer (getRolloutApprovals): domain objects, before they are shown. */
export type RolloutApprovals = {
  rollout: Pick<Rollout, "approvals">;
  check: { freezes: readonly ActiveFreeze[]; approvals: ApprovalEvaluation; ticks: readonly Tick[] };
  now: Date;
};

/** The approvals as shown to `viewerRole`: excerpts only to operators and above. */
export function approvalsJson({ rollout, check, now }: RolloutApprovals, viewerRole: Role): RolloutApprovalsJson {
  const showExcerpt = hasRole(viewerRole, "operator");
  const approvals = rollout.approvals;
  const tickOf = new Map(check.ticks.map((tick) => [tick.itemId, tick]));
  const freezes: ActiveFreezeJson[] = check.freezes.map((freeze) => ({
    id: freeze.window.id,
    name: freeze.window.name,
    zone: freeze.window.zone,
    end: freeze.occurrence.end.toISOString(),
    until: formatInZone(freeze.occurrence.end, freeze.window.zone),
    description: describeFreeze(freeze),
  }));
  return {
    configured: approvals !== undefined,
    checks: (approvals?.checks ?? []).map((c, index) => {
      const state = check.approvals.checks[index]!;
      return {
        name: c.name,
        url: shownUrl(c.url),
        expectStatus: c.expectStatus,
        timeoutMs: c.timeoutMs,
        state: state.state,
        last: state.result ? checkResultJson(state.result, { showExcerpt }) : null,
      };
    }),
    checklist: (approvals?.checklist ?? []).map((item) => {
      const tick = tickOf.get(item.id);
      return {
        id: item.id,
        text: item.text,
        requireDifferentPerson: item.requireDifferentPerson === true,
        tick: tick ? { actorId: tick.actorId, actorEmail: tick.actorEmail, at: tick.at.toISOString() } : null,
      };
    }),
    ticked: check.approvals.ticked,
    total: check.approvals.total,
    blockers: check.approvals.blockers,
    freezes,
    freshSeconds: CHECK_FRESH_SECONDS,
    readAt: now.toISOString(),
  };
}
