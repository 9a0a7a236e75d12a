import { archiveRolloutRow, lockRollout } from "../db/rollouts";
import { assertArchivable } from "../domain/rollout-lifecycle";
import type { Rollout } from "../domain/rollout";
import { audited, type Command, type CommandInput } from "./commands/audited";
import type { Deps } from "../composition/deps";
import { assertRolloutId, notFound } from "./rollout-id";

/** DELETE /api/rollouts/{id}: admins; no body. A refused role is audited at the route, like every definition change. */
export const archiveRolloutCommand = {
  role: "admin",
  name: "archive",
  body: "none",
  run: (deps, options) => archiveRollout(deps, options),
} satisfies Command<{ id: string }, Rollout>;

/** Archiving hides a rollout from the overview; its row and its audit events stay forever. */
export async function archiveRollout(deps: Deps, { id, context }: { id: string } & Pick<CommandInput, "context">): Promise<Rollout> {
  return audited(deps, { action: "archive", context, records: "successes" }, async (trail) => {
    const rolloutId = assertRolloutId(id);
    trail.rolloutId = rolloutId;
    return trail.write(async (tx, record) => {
      const current = await lockRollout(tx, rolloutId);
      if (!current) throw notFound(id);
      if (current.status === "archived") return current;
      assertArchivable(current);
      const archived = await archiveRolloutRow(tx, rolloutId, deps.now());
      await record({ before: { status: current.status, revision: current.revision }, after: { status: archived.status, revision: archived.revision } });
      return archived;
    });
  });
}
