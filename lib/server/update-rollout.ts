import { AppError } from "../app-error";
import { appendAuditEvent } from "../db/audit/events";
import { lockRollout, updateRolloutDefinition } from "../db/rollouts";
import { mergeDefinition, rolloutDefinitionPatchSchema } from "../domain/rollout-definition";
import { assertEditable } from "../domain/rollout-lifecycle";
import type { Rollout } from "../domain/rollout";
import { parse, validationError } from "../domain/validation-errors";
import { assertEgressAllowed } from "./assert-egress-allowed";
import type { RequestContext } from "../domain/actor";
import { auditedDefinitionOf, definitionOf } from "./definition-of";
import type { Deps } from "./deps";
import { assertRolloutId, notFound } from "./rollout-id";

export type UpdateRolloutOptions = { id: string; input: unknown; context: RequestContext };

export async function updateRollout({ db, egress }: Deps, { id, input, context }: UpdateRolloutOptions): Promise<Rollout> {
  const rolloutId = assertRolloutId(id);
  const patch = parse(rolloutDefinitionPatchSchema, input);

  return db.$transaction(async (tx) => {
    const current = await lockRollout(tx, rolloutId);
    if (!current) throw notFound(id);
    // The analysis, notifications and approvals blocks may change while a rollout progresses (turn
    // analysis on, to observe, off; add a Slack channel; add a checklist item); the rest of a
    // definition only while it is a draft.
    const onlyAnalysis = Object.keys(patch).every((key) => ["analysis", "notifications", "approvals", "expectedRevision"].includes(key));
    if (onlyAnalysis && current.status !== "archived") {
      // allowed in every live or finished state
    } else assertEditable(current);
    const { expectedRevision } = patch;
    if (expectedRevision !== undefined && expectedRevision !== current.revision) {
      throw new AppError("CONFLICT", `the rollout changed since you loaded it (revision ${expectedRevision}, now ${current.revision}); reload and edit again`);
    }
    const merged = mergeDefinition(definitionOf(current), patch);
    if (!merged.success) throw validationError(merged.error);
    if (patch.approvals !== undefined || patch.notifications !== undefined) assertEgressAllowed(merged.data, egress);
    const updated = await updateRolloutDefinition(tx, rolloutId, merged.data);
    await appendAuditEvent(tx, {
      rolloutId,
      actor: context.actor,
      action: "update",
      outcome: "success",
      before: auditedDefinitionOf(current),
      after: auditedDefinitionOf(updated),
      requestId: context.requestId,
      clientAddress: context.clientAddress,
    });
    return updated;
  });
}
