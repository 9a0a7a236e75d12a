import { z } from "zod";
import { AppError } from "../../app-error";
import { deleteFreezeWindow as deleteStored, insertFreezeWindow } from "../../db/freeze-windows";
import { freezeWindowInputSchema, type FreezeWindow } from "../../domain/freeze/definition";
import { safeText } from "../../domain/safe-text";
import { parse } from "../../domain/validation-errors";
import { audited, type Command, type CommandInput } from "../commands/audited";
import type { Deps } from "../../composition/deps";

/** Creating and deleting freeze windows (admins): each change, and each refusal or failure, is one audit event. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const shown = (w: FreezeWindow) => ({ id: w.id, name: w.name, zone: w.zone, rule: w.rule, namespaces: w.namespaces });

/** POST /api/freeze-windows. */
export const createFreezeWindowCommand = {
  role: "admin",
  name: "freeze_create",
  body: "json",
  run: (deps, options) => createFreezeWindow(deps, options),
} satisfies Command<Record<string, never>, FreezeWindow>;

export async function createFreezeWindow(deps: Deps, { input, bodyError, context }: CommandInput): Promise<FreezeWindow> {
  return audited(deps, { action: "freeze_create", context }, async (trail) => {
    if (bodyError !== undefined) throw bodyError;
    const window = parse(freezeWindowInputSchema, input);
    return trail.write(async (tx, record) => {
      const created = await insertFreezeWindow(tx, window, context.actor.id);
      await record({ after: shown(created) });
      return created;
    });
  });
}

const deleteInputSchema = z.strictObject(
  { reason: safeText("reason", { multiline: true }).trim().max(1000, { error: "reason must be at most 1000 characters" }).optional() },
  { error: "body must be a JSON object {reason?}" },
);

/** DELETE /api/freeze-windows/{id}, with an optional {"reason"}. */
export const deleteFreezeWindowCommand = {
  role: "admin",
  name: "freeze_delete",
  body: "optional",
  run: (deps, options) => deleteFreezeWindow(deps, options),
} satisfies Command<{ id: string }, void>;

export async function deleteFreezeWindow(deps: Deps, { id, input, bodyError, context }: { id: string } & CommandInput): Promise<void> {
  return audited(deps, { action: "freeze_delete", context }, async (trail) => {
    if (bodyError !== undefined) throw bodyError;
    const { reason } = parse(deleteInputSchema, input ?? {});
    const missing = () => new AppError("NOT_FOUND", `no freeze window with id "${id.slice(0, 80)}"`);
    if (!UUID.test(id)) throw missing();
    await trail.write(async (tx, record) => {
      const removed = await deleteStored(tx, id.toLowerCase());
      if (!removed) throw missing();
      await record({ reason: reason || null, before: shown(removed) });
    });
  });
}
