import { z } from "zod";
import { AppError, isAppError } from "../app-error";
import { finishOperation, recordIntent } from "../db/operations";
import { applyRolloutState, findRollout, type DbTx } from "../db/rollouts";
import { planAction, REASON_REQUIRED, refusalReason, ROLLOUT_ACTIONS } from "../domain/rollout-actions";
import type { Rollout } from "../domain/rollout";
import { safeText } from "../domain/safe-text";
import { validationError } from "../domain/validation-errors";
import { locateRoute, type LocatedRoute, type VirtualServiceView } from "../domain/virtual-service-route";
import type { RequestContext } from "../domain/actor";
import { log } from "../log";
import { audited, type Command, type CommandInput, type Ending, type Trail } from "./commands/audited";
import { attemptErrorCode, withStable } from "./commands/record-attempt";
import type { Deps } from "../composition/deps";
import { reconcileRollout } from "./reconcile-rollout";
import { assertRolloutId, notFound } from "./rollout-id";
import { assertOverrideAllowed, assertPromotionAllowed } from "./promotion-guard";
import { NORMAL_WRITE, readForWrite, ROLLBACK_WRITE, writeWeights } from "./write-weights";

export const actionInputSchema = z.strictObject({
  action: z.enum(ROLLOUT_ACTIONS, { error: `action must be one of ${ROLLOUT_ACTIONS.join(", ")}` }),
  reason: safeText("reason", { multiline: true }).trim().max(1000, { error: "reason must be at most 1000 characters" }).optional(),
  expectedRevision: z.number({ error: "expectedRevision must be a number" }).int().positive().optional(),
  /** Promote during a freeze window: admins only, with a reason; recorded in the audit event. */
  overrideFreeze: z.boolean({ error: "overrideFreeze must be true or false" }).optional(),
});

export type ActOnRolloutOptions = { id: string } & CommandInput;

/** What an attempt is called when its body is refused unread or cannot be parsed: the body's action if it looks like one. */
function attemptedAction(input: unknown): string {
  const requested = (input as { action?: unknown } | null | undefined)?.action;
  return typeof requested === "string" && /^[a-z_]{1,32}$/.test(requested) ? requested : "action";
}

/** POST /api/rollouts/{id}/actions: operators; the body names the action, so a refused caller's attempt is named from it. */
export const actOnRolloutCommand = {
  role: "operator",
  name: attemptedAction,
  body: "json",
  run: (deps, options) => actOnRollout(deps, options),
} satisfies Command<{ id: string }, Rollout>;

/**
 * start / promote / promote_full / pause / resume / rollback / adopt, serialized per rollout.
 * Order of business: reconcile interrupted work, check the request and the state, read the live
 * VirtualService, refuse on drift (except rollback), record the intent, patch conditionally,
 * record the outcome. Every attempt, refused or failed ones included, leaves one audit event.
 */
export async function actOnRollout(deps: Deps, { id, input, bodyError, context }: ActOnRolloutOptions): Promise<Rollout> {
  const parsed = actionInputSchema.safeParse(input);
  // What was attempted, as far as it can be named: a refused body's action is kept (bounded) for the audit log.
  const action = parsed.success ? parsed.data.action : String((input as { action?: unknown } | null)?.action ?? "invalid").slice(0, 64);
  const reason = parsed.success ? parsed.data.reason || null : null;
  return audited(deps, { action, context, reason, ended: (ending) => ended(deps, ending) }, async (trail) => {
    const validId = assertRolloutId(id);
    trail.rolloutId = validId;
    return deps.locks.withLock(validId, async () => {
      const { postponed } = await reconcileRollout(deps, validId);
      const rollout = await findRollout(deps.db, validId);
      if (!rollout) {
        trail.rolloutId = null;
        throw notFound(id);
      }
      if (bodyError !== undefined) throw bodyError;
      if (!parsed.success) throw validationError(parsed.error);
      // Acting on a record the cluster has not confirmed would be undone when it is confirmed.
      const [unconfirmed] = postponed;
      if (unconfirmed) {
        throw new AppError(
          "KUBE_UNAVAILABLE",
          `an earlier change to this rollout (${unconfirmed.action}, started ${unconfirmed.startedAt.toISOString()}) was interrupted and the cluster cannot be read to confirm it; try again when the cluster is reachable`,
        );
      }
      return perform(deps, { rollout, ...parsed.data, reason, context, trail });
    });
  });
}

/** Every attempt, once it ends: counted and timed in Aviary's own metrics, and one log line. */
function ended(deps: Deps, { action, rolloutId, context, outcome, error, seconds }: Ending) {
  const code = attemptErrorCode(error);
  deps.metrics.action({ action, outcome: outcome === "success" ? "ok" : outcome, code, seconds });
  const fields = {
    requestId: context.requestId,
    actor: context.actor.id,
    rolloutId,
    action,
    outcome,
    durationMs: Math.round(seconds * 1000),
    ...(code ? { code, error: (error as Error)?.message } : {}),
  };
  if (outcome === "failed") log.warn("action failed", fields);
  else log.info(outcome === "success" ? "action done" : "action refused", fields);
}

type PerformOptions = Omit<z.infer<typeof actionInputSchema>, "reason"> & {
  rollout: Rollout;
  reason: string | null;
  context: RequestContext;
  trail: Trail;
};

async function perform(deps: Deps, { rollout, action, reason, expectedRevision, overrideFreeze, context, trail }: PerformOptions): Promise<Rollout> {
  if (overrideFreeze) assertOverrideAllowed({ actor: context.actor, action, reason });
  if (REASON_REQUIRED.includes(action) && !reason) {
    const message = `a reason is required for ${action === "rollback" ? "a rollback" : "a full promotion"}`;
    throw new AppError("VALIDATION", message, { fields: { reason: message } });
  }
  if (expectedRevision !== undefined && expectedRevision !== rollout.revision) {
    throw new AppError("CONFLICT", `the rollout changed since you looked (revision ${expectedRevision}, now ${rollout.revision}); review it and try again`);
  }
  const refusal = refusalReason(action, rollout.status);
  if (refusal) throw new AppError("INVALID_STATE", refusal);
  // Freeze windows and approvals hold promotions only: going back to stable never waits.
  const { overridden } =
    action === "promote" || action === "promote_full"
      ? await assertPromotionAllowed(deps, { rollout, actor: context.actor, overrideFreeze: overrideFreeze === true })
      : { overridden: [] };
  const touchesCluster = !["pause", "resume"].includes(action);
  let vs: VirtualServiceView | null = null;
  let located: LocatedRoute | null = null;
  const policy = action === "rollback" ? ROLLBACK_WRITE : NORMAL_WRITE;
  if (touchesCluster) {
    vs = await readForWrite(deps, { cluster: rollout.cluster, namespace: rollout.namespace, name: rollout.virtualService }, policy);
    located = locateRoute(vs, rollout);
  }
  const plan = planAction(rollout, action, { liveCanaryWeight: located?.canaryWeight });
  const live = located?.canaryWeight;
  if (live !== undefined && live !== rollout.canaryWeight && action !== "rollback" && action !== "adopt") {
    // A draft can neither adopt nor roll back: the way out is fixing the VirtualService.
    throw new AppError(
      "DRIFT",
      rollout.status === "draft"
        ? `the VirtualService already sends ${live}% to the canary; a rollout starts from 0%. Set the canary's weight to 0 in the VirtualService, then start.`
        : `the VirtualService sends ${live}% to the canary but Aviary recorded ${rollout.canaryWeight}%: someone changed it outside Aviary. Adopt the live weights or roll back before you ${action.replace("_", " ")}.`,
    );
  }
  if (action === "adopt" && live === rollout.canaryWeight) throw new AppError("INVALID_STATE", "nothing to adopt: the live weights match Aviary's record");
  const before = { ...plan.from, liveCanaryWeight: live ?? null };
  const stepChanged = plan.to.currentStep !== plan.from.currentStep || plan.from.status === "draft";
  const needsPatch = vs !== null && located !== null && live !== plan.to.canaryWeight && action !== "adopt";

  // The new state and its audit event, in one transaction.
  const commit = (resourceVersionAfter: string | undefined, alsoInTx?: (tx: DbTx) => Promise<unknown>) =>
    trail.write(async (tx, record) => {
      await alsoInTx?.(tx);
      const updated = await applyRolloutState(tx, rollout.id, plan.to, { stepChanged, at: deps.now() });
      const after = overridden.length > 0 ? { ...plan.to, freezeOverride: overridden } : plan.to;
      await record({ before: withStable(before), after: withStable(after), resourceVersionBefore: vs?.resourceVersion, resourceVersionAfter });
      return updated;
    });

  if (!needsPatch) return commit(vs?.resourceVersion);

  const op = await recordIntent(deps.db, {
    rolloutId: rollout.id,
    action,
    fromState: plan.from,
    toState: plan.to,
    resourceVersionBefore: vs!.resourceVersion,
    actor: context.actor,
    reason,
    requestId: context.requestId,
    clientAddress: context.clientAddress,
  });
  let written;
  try {
    written = await writeWeights(deps, { rollout, vs: vs!, located: located!, canaryWeight: plan.to.canaryWeight, policy });
  } catch (error) {
    // Past the intent, only drift is a refusal (Aviary declined to overwrite); anything else,
    // giving up after a conflict storm included, is a write that failed.
    const outcome = isAppError(error) && error.code === "DRIFT" ? "refused" : "failed";
    await trail.write(async (tx, record) => {
      await finishOperation(tx, op.id, { status: "failed", error: (error as Error).message, at: deps.now() });
      await record({ before: withStable(before), resourceVersionBefore: vs!.resourceVersion, error, outcome });
    });
    throw error;
  }
  try {
    deps.afterPatch?.();
  } catch (crash) {
    // A simulated crash: like a dead process, it records nothing; the intent stays pending.
    trail.unrecorded("failed");
    throw crash;
  }
  return commit(written.vs.resourceVersion, (tx) =>
    finishOperation(tx, op.id, { status: "applied", resourceVersionAfter: written.vs.resourceVersion, at: deps.now() }),
  );
}
