import { stableWeightOf, type Rollout } from "../domain/rollout";

/** The API's rollout shape: the stored state plus the derived stable weight, dates as ISO strings. */
export type RolloutJson = Omit<Rollout, "createdAt" | "updatedAt" | "archivedAt" | "stepStartedAt"> & {
  stableWeight: number;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  stepStartedAt: string | null;
};

export function rolloutJson(rollout: Rollout): RolloutJson {
  return {
    ...rollout,
    stableWeight: stableWeightOf(rollout.canaryWeight),
    createdAt: rollout.createdAt.toISOString(),
    updatedAt: rollout.updatedAt.toISOString(),
    archivedAt: rollout.archivedAt?.toISOString() ?? null,
    stepStartedAt: rollout.stepStartedAt?.toISOString() ?? null,
  };
}
