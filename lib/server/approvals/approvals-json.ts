import type { ActiveFreezeJson, CheckResultJson, RolloutApprovalsJson } from "../../contracts/approvals";
import { CHECK_FRESH_SECONDS, describeResult, type CheckResult } from "../../domain/approvals/status";
import { describeFreeze, formatInZone } from "../../domain/freeze/windows";
import type { Rollout } from "../../domain/rollout";
import type { PromotionCheck } from "../promotion-guard";

export function checkResultJson(result: CheckResult): CheckResultJson {
  const { at, ok, status, latencyMs, excerpt, error, actorId } = result;
  return { at: at.toISOString(), ok, status, latencyMs, excerpt, error, actorId, summary: describeResult(result) };
}

export function approvalsJson(rollout: Rollout, check: PromotionCheck, now: Date): RolloutApprovalsJson {
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
        url: c.url,
        expectStatus: c.expectStatus,
        timeoutMs: c.timeoutMs,
        state: state.state,
        last: state.result ? checkResultJson(state.result) : null,
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
