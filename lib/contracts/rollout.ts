import { redactApprovals } from "../domain/approvals/definition";
import { redactNotifications } from "../domain/notifications/definition";
import { stableWeightOf, type Rollout } from "../domain/rollout";

/** An action that patched the cluster but whose result Aviary has not recorded yet. */
export type PendingOperationJson = { action: string; startedAt: string; toCanaryWeight: number };

/** The API's rollout shape: the stored state plus the derived stable weight, dates as ISO strings. */
export type RolloutJson = Omit<Rollout, "createdAt" | "updatedAt" | "archivedAt" | "stepStartedAt"> & {
  stableWeight: number;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  stepStartedAt: string | null;
  /**
   * The oldest interrupted operation, until reconciliation confirms or fails it. Only the single
   * rollout read (GET /api/rollouts/{id}, the detail page) looks it up; elsewhere it is null.
   */
  pendingOperation: PendingOperationJson | null;
};

export function rolloutJson(rollout: Rollout & { pendingOperation?: { action: string; startedAt: Date; toCanaryWeight: number } | null }): RolloutJson {
  const { pendingOperation, ...stored } = rollout;
  return {
    ...stored,
    // Webhook URLs are write-only: anyone holding one can post as Aviary.
    ...(stored.notifications ? { notifications: redactNotifications(stored.notifications) } : {}),
    // Check URLs' query values often carry a token.
    ...(stored.approvals ? { approvals: redactApprovals(stored.approvals) } : {}),
    stableWeight: stableWeightOf(rollout.canaryWeight),
    createdAt: rollout.createdAt.toISOString(),
    updatedAt: rollout.updatedAt.toISOString(),
    archivedAt: rollout.archivedAt?.toISOString() ?? null,
    stepStartedAt: rollout.stepStartedAt?.toISOString() ?? null,
    pendingOperation: pendingOperation ? { ...pendingOperation, startedAt: pendingOperation.startedAt.toISOString() } : null,
  };
}
