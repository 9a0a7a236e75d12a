import { AppError } from "../app-error";
import { lockRollout, updateRolloutDefinition } from "../db/rollouts";
import { mergeDefinition, rolloutDefinitionPatchSchema } from "../domain/rollout-definition";
import { assertEditable } from "../domain/rollout-lifecycle";
import type { Rollout } from "../domain/rollout";
import { parse, validationError } from "../domain/validation-errors";
import { assertEgressAllowed } from "./assert-egress-allowed";
import { audited, type Command, type CommandInput } from "./commands/audited";
import { auditedDefinitionOf, definitionOf } from "./definition-of";
import type { Deps } from "../composition/deps";
import { assertRolloutId, notFound } from "./rollout-id";

export type UpdateRolloutOptions = { id: string } & CommandInput;

/** The blocks that may change while a rollout progresses; the rest of a definition only while it is a draft. */
const LIVE_EDITABLE = ["analysis", "notifications", "approvals", "expectedRevision"];

/** PATCH /api/rollouts/{id}: admins. Bad input writes nothing, audit included; a refused role is audited at the route. */
export const updateRolloutCommand = {
  role: "admin",
  name: "update",
  body: "json",
  run: (deps, options) => updateRollout(deps, options),
} satisfies Command<{ id: string }, Rollout>;

export async function updateRollout(deps: Deps, { id, input, bodyError, context }: UpdateRolloutOptions): Promise<Rollout> {
  return audited(deps, { action: "update", context, records: "successes" }, async (trail) => {
    if (bodyError !== undefined) throw bodyError;
    const rolloutId = assertRolloutId(id);
    const patch = parse(rolloutDefinitionPatchSchema, input);
    trail.rolloutId = rolloutId;
    return trail.write(async (tx, record) => {
      const current = await lockRollout(tx, rolloutId);
      if (!current) throw notFound(id);
      // Turn analysis on, to observe, off; add a Slack channel; add a checklist item: allowed in every live or finished state.
      const onlyLiveBlocks = Object.keys(patch).every((key) => LIVE_EDITABLE.includes(key));
      if (!onlyLiveBlocks || current.status === "archived") assertEditable(current);
      const { expectedRevision } = patch;
      if (expectedRevision !== undefined && expectedRevision !== current.revision) {
        throw new AppError(
          "CONFLICT",
          `the rollout changed since you loaded it (revision ${expectedRevision}, now ${current.revision}); reload and edit again`,
        );
      }
      const merged = mergeDefinition(definitionOf(current), patch);
      if (!merged.success) throw validationError(merged.error);
      if (patch.approvals !== undefined || patch.notifications !== undefined) assertEgressAllowed(merged.data, deps.egress);
      const updated = await updateRolloutDefinition(tx, rolloutId, merged.data);
      await record({ before: auditedDefinitionOf(current), after: auditedDefinitionOf(updated) });
      return updated;
    });
  });
}
