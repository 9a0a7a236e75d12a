import { z } from "zod";
import { AppError } from "../../app-error";
import { setTick } from "../../db/approvals";
import { appendAuditEvent } from "../../db/audit/events";
import { findRollout } from "../../db/rollouts";
import type { RequestContext } from "../../domain/actor";
import type { Tick } from "../../domain/approvals/status";
import { parse } from "../../domain/validation-errors";
import type { Deps } from "../deps";
import { assertRolloutId, notFound } from "../rollout-id";
import { recordApprovalRefusal } from "./record-approval-refusal";

export const tickInputSchema = z.strictObject(
  { ticked: z.boolean({ error: "ticked must be true or false" }).default(true) },
  { error: "body must be a JSON object {ticked?}" },
);

export type TickChecklistItemOptions = { id: string; itemId: string; input: unknown; bodyError?: unknown; context: RequestContext };

const OPEN = ["draft", "progressing", "paused"];

/**
 * Ticks (or unticks) one checklist item, under the rollout's action lock so a promotion never
 * reads a tick half-way, and writes the audit event in the same transaction.
 */
export async function tickChecklistItem(deps: Deps, { id, itemId, input, bodyError, context }: TickChecklistItemOptions): Promise<Tick | null> {
  const startedAt = performance.now();
  const wanted = typeof (input as { ticked?: unknown } | null)?.ticked === "boolean" ? (input as { ticked: boolean }).ticked : true;
  const action = wanted ? "approval_tick" : "approval_untick";
  let rolloutId: string | null = null;
  try {
    const validId = assertRolloutId(id);
    const exists = await findRollout(deps.db, validId);
    if (!exists) throw notFound(id);
    rolloutId = validId;
    return await deps.locks.withLock(validId, async () => {
      if (bodyError !== undefined) throw bodyError;
      const { ticked } = parse(tickInputSchema, input ?? {});
      const rollout = (await findRollout(deps.db, validId))!;
      const item = rollout.approvals?.checklist.find((candidate) => candidate.id === itemId);
      if (!item) throw new AppError("NOT_FOUND", `rollout ${rollout.name} has no checklist item "${itemId.slice(0, 63)}"`);
      if (!OPEN.includes(rollout.status))
        throw new AppError("INVALID_STATE", `the checklist cannot change while the rollout is ${rollout.status.replace("_", " ")}`);
      return deps.db.$transaction(async (tx) => {
        const tick = await setTick(tx, { rolloutId: validId, itemId, ticked, actor: context.actor, at: deps.now() });
        await appendAuditEvent(tx, {
          rolloutId: validId,
          actor: context.actor,
          action,
          outcome: "success",
          after: { item: item.id, text: item.text, ticked, ...(tick ? { tickedBy: tick.actorId, tickedAt: tick.at.toISOString() } : {}) },
          durationMs: Math.round(performance.now() - startedAt),
          requestId: context.requestId,
          clientAddress: context.clientAddress,
        });
        return tick;
      });
    });
  } catch (error) {
    await recordApprovalRefusal(deps, { rolloutId, action, context, error, startedAt });
    throw error;
  }
}
