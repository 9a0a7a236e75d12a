import { appendAuditEvent, type NewAuditEvent } from "@/lib/db/audit/events";
import { insertRollout } from "@/lib/db/rollouts";
import { rolloutDefinitionSchema } from "@/lib/domain/rollout-definition";
import type { Rollout, RolloutStatus } from "@/lib/domain/rollout";
import { rolloutInput } from "../fixtures";
import { getDeps } from "@/lib/composition/deps";

/** Known audit data, written through the real append path (so the hash chain is valid). */

export async function seedRollout(overrides: Record<string, unknown> = {}, status?: RolloutStatus): Promise<Rollout> {
  const definition = rolloutDefinitionSchema.parse(rolloutInput(overrides));
  const rollout = await insertRollout(getDeps().db, definition);
  if (!status) return rollout;
  await getDeps().db.rollout.update({ where: { id: rollout.id }, data: { status } });
  return { ...rollout, status };
}

export type SeedEvent = Omit<NewAuditEvent, "actor" | "at"> & { actor: string | NewAuditEvent["actor"]; at: string };

export async function seedEvent(event: SeedEvent) {
  const actor = typeof event.actor === "string" ? { id: `u-${event.actor}`, email: `${event.actor}@example.com`, role: "operator" } : event.actor;
  return getDeps().db.$transaction((tx) => appendAuditEvent(tx, { ...event, actor, at: new Date(event.at) }));
}
