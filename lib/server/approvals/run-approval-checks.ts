import { AppError } from "../../app-error";
import { insertCheckResults } from "../../db/approvals";
import { appendAuditEvent } from "../../db/audit/events";
import { findRollout } from "../../db/rollouts";
import type { RequestContext } from "../../domain/actor";
import type { CheckResult } from "../../domain/approvals/status";
import { runHttpCheck, type RunHttpCheck } from "../../webhooks/run-http-check";
import type { Deps } from "../deps";
import { assertRolloutId, notFound } from "../rollout-id";
import { recordApprovalRefusal } from "./record-approval-refusal";

export type RunApprovalChecksOptions = { id: string; context: RequestContext; probe?: RunHttpCheck };

/**
 * Runs every HTTP check of the rollout's approvals block at once (each with its own deadline),
 * stores the answers and writes one audit event listing them, in one transaction. A check that
 * fails is a result, not an error: the run itself succeeded.
 */
export async function runApprovalChecks(deps: Deps, { id, context, probe = runHttpCheck }: RunApprovalChecksOptions): Promise<CheckResult[]> {
  const startedAt = performance.now();
  let rolloutId: string | null = null;
  try {
    const validId = assertRolloutId(id);
    const rollout = await findRollout(deps.db, validId);
    if (!rollout) throw notFound(id);
    rolloutId = rollout.id;
    const checks = rollout.approvals?.checks ?? [];
    if (checks.length === 0) throw new AppError("INVALID_STATE", `rollout ${rollout.name} has no approval checks to run`);
    if (rollout.status === "archived") throw new AppError("INVALID_STATE", `rollout ${rollout.name} is archived`);
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
    await deps.db.$transaction(async (tx) => {
      await insertCheckResults(tx, rollout.id, results);
      await appendAuditEvent(tx, {
        rolloutId: rollout.id,
        actor: context.actor,
        action: "approval_checks",
        outcome: "success",
        after: {
          passed: results.filter((r) => r.ok).length,
          total: results.length,
          checks: results.map(({ check, url, expectStatus, ok, status, latencyMs, excerpt, error }) => ({
            check,
            url,
            expectStatus,
            ok,
            status,
            latencyMs,
            excerpt,
            error,
          })),
        },
        durationMs: Math.round(performance.now() - startedAt),
        requestId: context.requestId,
        clientAddress: context.clientAddress,
      });
    });
    return results;
  } catch (error) {
    await recordApprovalRefusal(deps, { rolloutId, action: "approval_checks", context, error, startedAt });
    throw error;
  }
}
