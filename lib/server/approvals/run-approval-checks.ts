import { AppError } from "../../app-error";
import { claimCheckRun, insertCheckResults } from "../../db/approvals";
import { findRollout } from "../../db/rollouts";
import { ANALYSIS_ACTOR, type RequestContext } from "../../domain/actor";
import type { CheckResult } from "../../domain/approvals/status";
import { shownUrl } from "../../domain/redact-url";
import { httpCheckVia, type RunHttpCheck } from "../../outbound/http-check";
import type { Deps } from "../../composition/deps";
import { assertRolloutId, notFound } from "../rollout-id";
import { audited, type Command } from "../commands/audited";

/** A person may run a rollout's checks once per this many seconds (each run sends up to 10 requests). */
export const RUN_CHECKS_COOLDOWN_SECONDS = 15;

export type RunApprovalChecksOptions = { id: string; context: RequestContext; probe?: RunHttpCheck };

/** POST /api/rollouts/{id}/approvals/checks: operators; no body. */
export const runApprovalChecksCommand = {
  role: "operator",
  name: "approval_checks",
  body: "none",
  run: (deps, { id, context }) => runApprovalChecks(deps, { id, context }),
} satisfies Command<{ id: string }, CheckResult[]>;

/**
 * Runs every HTTP check of the rollout's approvals block at once (each with its own deadline,
 * through the egress policy), stores the answers and writes one audit event listing them, in one
 * transaction. A check that fails is a result, not an error: the run itself succeeded. The audit
 * event keeps each answer's status, size and hash, never its body (an excerpt can hold what the
 * checked service should not have said; it is kept in the results table, for operators' eyes).
 * A person's runs are at most one per RUN_CHECKS_COOLDOWN_SECONDS per rollout (429 otherwise);
 * the analysis loop paces its own (hold-loop-promotion.ts).
 */
export async function runApprovalChecks(deps: Deps, { id, context, probe = httpCheckVia(deps.egress) }: RunApprovalChecksOptions): Promise<CheckResult[]> {
  return audited(deps, { action: "approval_checks", context }, async (trail) => {
    const validId = assertRolloutId(id);
    const rollout = await findRollout(deps.db, validId);
    if (!rollout) throw notFound(id);
    trail.rolloutId = rollout.id;
    const checks = rollout.approvals?.checks ?? [];
    if (checks.length === 0) throw new AppError("INVALID_STATE", `rollout ${rollout.name} has no approval checks to run`);
    if (rollout.status === "archived") throw new AppError("INVALID_STATE", `rollout ${rollout.name} is archived`);
    if (context.actor.id !== ANALYSIS_ACTOR.id) await claimRun(deps, rollout.id);
    const results = await Promise.all(
      checks.map(async (check): Promise<CheckResult> => {
        const at = deps.now();
        const answer = await probe({ url: check.url, timeoutMs: check.timeoutMs });
        return {
          check: check.name,
          url: check.url,
          expectStatus: check.expectStatus,
          at,
          ok: answer.status === check.expectStatus,
          ...answer,
          actorId: context.actor.id,
        };
      }),
    );
    await trail.write(async (tx, record) => {
      await insertCheckResults(tx, rollout.id, results);
      await record({
        after: {
          passed: results.filter((r) => r.ok).length,
          total: results.length,
          checks: results.map(({ check, url, expectStatus, ok, status, latencyMs, size, sha256, error }) => ({
            check,
            url: shownUrl(url),
            expectStatus,
            ok,
            status,
            latencyMs,
            size,
            sha256,
            error,
          })),
        },
      });
    });
    return results;
  });
}

async function claimRun(deps: Deps, rolloutId: string): Promise<void> {
  const at = deps.now();
  const claim = await claimCheckRun(deps.db, { rolloutId, at, cooldownSeconds: RUN_CHECKS_COOLDOWN_SECONDS });
  if (claim.claimed) return;
  const ago = Math.max(0, Math.floor((at.getTime() - claim.lastRunAt.getTime()) / 1000));
  const wait = Math.max(1, RUN_CHECKS_COOLDOWN_SECONDS - ago);
  throw new AppError("RATE_LIMITED", `the checks ran ${ago} s ago; each run sends a request to every check, so they can be run again in ${wait} s`, {
    retryAfterSeconds: wait,
  });
}
