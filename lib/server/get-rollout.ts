import { findRollout } from "../db/rollouts";
import type { Rollout } from "../domain/rollout";
import type { Deps } from "./deps";
import { assertRolloutId, notFound } from "./rollout-id";

export async function getRollout({ db }: Deps, { id }: { id: string }): Promise<Rollout> {
  const rollout = await findRollout(db, assertRolloutId(id));
  if (!rollout) throw notFound(id);
  return rollout;
}
