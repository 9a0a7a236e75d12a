import { AppError } from "../app-error";
import { appendAuditEvent } from "../db/audit/events";
import { insertRollout } from "../db/rollouts";
import { rolloutDefinitionSchema } from "../domain/rollout-definition";
import type { Rollout, RolloutDefinition } from "../domain/rollout";
import { parse } from "../domain/validation-errors";
import type { RequestContext } from "../domain/actor";
import type { Deps } from "./deps";
import { assertEgressAllowed } from "./assert-egress-allowed";
import { auditedDefinitionOf } from "./definition-of";

export type CreateRolloutOptions = { input: unknown; context: RequestContext };

export async function createRollout({ db, egress }: Deps, { input, context }: CreateRolloutOptions): Promise<Rollout> {
  const definition: RolloutDefinition = parse(rolloutDefinitionSchema, input);
  assertEgressAllowed(definition, egress);
  try {
    return await db.$transaction(async (tx) => {
      const rollout = await insertRollout(tx, definition);
      await appendAuditEvent(tx, {
        rolloutId: rollout.id,
        actor: context.actor,
        action: "create",
        outcome: "success",
        after: auditedDefinitionOf(rollout),
        requestId: context.requestId,
        clientAddress: context.clientAddress,
      });
      return rollout;
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      const message = `a rollout named "${definition.name}" already exists in namespace "${definition.namespace}" of cluster "${definition.cluster}" (archived ones keep their name)`;
      throw new AppError("CONFLICT", message, { fields: { name: message } });
    }
    throw error;
  }
}
