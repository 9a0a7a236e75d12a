import type { ActiveFreezeJson, CheckResultJson, RolloutApprovalsJson } from "../../contracts/approvals";
import { CHECK_FRESH_SECONDS, describeResult, type CheckResult } from "../../domain/approvals/status";
import { describeFreeze, formatInZone } from "../../domain/freeze/windows";
import { shownUrl } from "../../domain/redact-url";
import { hasRole, type Role } from "../../domain/roles";
import type { Rollout } from "../../domain/rollout";
import type { PromotionCheck } from "../promotion-guard";

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

export function approvalsJson(rollout: Rollout, check: PromotionCheck, now: Date, viewerRole: Role): RolloutApprovalsJson {
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
