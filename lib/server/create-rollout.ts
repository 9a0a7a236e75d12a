import { insertRollout } from "../db/rollouts";
import { rolloutDefinitionSchema } from "../domain/rollout-definition";
import type { Rollout, RolloutDefinition } from "../domain/rollout";
import { parse } from "../domain/validation-errors";
import { assertEgressAllowed } from "./assert-egress-allowed";
import { audited, type Command, type CommandInput } from "./commands/audited";
import { auditedDefinitionOf } from "./definition-of";
import type { Deps } from "../composition/deps";

export type CreateRolloutOptions = CommandInput;

/** POST /api/rollouts: admins. Bad input writes nothing, audit included; a refused role is audited at the route. */
export const createRolloutCommand = {
  role: "admin",
  name: "create",
  body: "json",
  run: (deps, options) => createRollout(deps, options),
} satisfies Command<Record<string, never>, Rollout>;

export async function createRollout(deps: Deps, { input, bodyError, context }: CreateRolloutOptions): Promise<Rollout> {
  return audited(deps, { action: "create", context, records: "successes" }, async (trail) => {
    if (bodyError !== undefined) throw bodyError;
    const definition: RolloutDefinition = parse(rolloutDefinitionSchema, input);
    assertEgressAllowed(definition, deps.egress);
    // A name already taken is lib/db's CONFLICT, naming the field.
    return trail.write(async (tx, record) => {
      const rollout = await insertRollout(tx, definition);
      await record({ rolloutId: rollout.id, after: auditedDefinitionOf(rollout) });
      return rollout;
    });
  });
}
