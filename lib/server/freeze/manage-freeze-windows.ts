import { z } from "zod";
import { AppError } from "../../app-error";
import { appendAuditEvent } from "../../db/audit/events";
import { deleteFreezeWindow as deleteStored, insertFreezeWindow } from "../../db/freeze-windows";
import type { RequestContext } from "../../domain/actor";
import { freezeWindowInputSchema } from "../../domain/freeze/definition";
import { safeText } from "../../domain/safe-text";
import { parse } from "../../domain/validation-errors";
import type { FreezeWindowJson } from "../../contracts/freeze";
import { recordApprovalRefusal } from "../approvals/record-approval-refusal";
import type { Deps } from "../deps";
import { freezeWindowJson } from "./freeze-window-json";

/** Creating and deleting freeze windows (admins): each change, and each refusal, is one audit event. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function createFreezeWindow(
  deps: Deps,
  { input, bodyError, context }: { input: unknown; bodyError?: unknown; context: RequestContext },
): Promise<FreezeWindowJson> {
  const startedAt = performance.now();
  try {
    if (bodyError !== undefined) throw bodyError;
    const window = parse(freezeWindowInputSchema, input);
    const stored = await deps.db.$transaction(async (tx) => {
      const created = await insertFreezeWindow(tx, window, context.actor.id);
      await appendAuditEvent(tx, {
        actor: context.actor,
        action: "freeze_create",
        outcome: "success",
        after: { id: created.id, name: created.name, zone: created.zone, rule: created.rule, namespaces: created.namespaces },
        durationMs: Math.round(performance.now() - startedAt),
        requestId: context.requestId,
        clientAddress: context.clientAddress,
      });
      return created;
    });
    return freezeWindowJson(stored, deps.now());
  } catch (error) {
    await recordApprovalRefusal(deps, { rolloutId: null, action: "freeze_create", context, error, startedAt });
    throw error;
  }
}

const deleteInputSchema = z.strictObject(
  { reason: safeText("reason", { multiline: true }).trim().max(1000, { error: "reason must be at most 1000 characters" }).optional() },
  { error: "body must be a JSON object {reason?}" },
);

export async function deleteFreezeWindow(deps: Deps, { id, input, context }: { id: string; input: unknown; context: RequestContext }): Promise<void> {
  const startedAt = performance.now();
  try {
    const { reason } = parse(deleteInputSchema, input ?? {});
    const missing = () => new AppError("NOT_FOUND", `no freeze window with id "${id.slice(0, 80)}"`);
    if (!UUID.test(id)) throw missing();
    await deps.db.$transaction(async (tx) => {
      const removed = await deleteStored(tx, id.toLowerCase());
      if (!removed) throw missing();
      await appendAuditEvent(tx, {
        actor: context.actor,
        action: "freeze_delete",
        reason: reason || null,
        outcome: "success",
        before: { id: removed.id, name: removed.name, zone: removed.zone, rule: removed.rule, namespaces: removed.namespaces },
        durationMs: Math.round(performance.now() - startedAt),
        requestId: context.requestId,
        clientAddress: context.clientAddress,
      });
    });
  } catch (error) {
    await recordApprovalRefusal(deps, { rolloutId: null, action: "freeze_delete", context, error, startedAt });
    throw error;
  }
}
