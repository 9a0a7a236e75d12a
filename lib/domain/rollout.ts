import type { Analysis } from "./analysis/definition";
import type { Approvals } from "./approvals/definition";
import type { Notifications } from "./notifications/definition";

/** The rollout as the rest of Aviary sees it: definition plus live state. */

export const ROLLOUT_STATUSES = ["draft", "progressing", "paused", "promoted", "rolled_back", "archived"] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

/** A destination as it appears in the VirtualService route. */
export type Destination = { host: string; subset?: string; port?: number };

/** A step of the plan: its kinds (weight, hold, …) and what each means are in lib/domain/steps. */
export type { Step } from "./steps/registry";
import type { Step } from "./steps/registry";

export type RolloutDefinition = {
  name: string;
  namespace: string;
  cluster: string;
  virtualService: string;
  /** Name of the HTTP route to drive; may be omitted only when the VirtualService has one route. */
  route?: string;
  stable: Destination;
  canary: Destination;
  steps: Step[];
  metrics: { stableWorkload: string; canaryWorkload: string };
  slo: { availability: number; latencyP95Ms: number };
  /** Automated analysis (lib/domain/analysis); absent means off. */
  analysis?: Analysis;
  /** Its own notification destinations (lib/domain/notifications); absent means the global ones only. */
  notifications?: Notifications;
  /** HTTP checks and checklist items every promotion waits for (lib/domain/approvals); absent means none. */
  approvals?: Approvals;
};

export type RolloutState = {
  status: RolloutStatus;
  /** null until the rollout starts; afterwards the index of the step it is at. */
  currentStep: number | null;
  canaryWeight: number;
  revision: number;
};

export type Rollout = RolloutDefinition &
  RolloutState & {
    id: string;
    createdAt: Date;
    updatedAt: Date;
    archivedAt: Date | null;
    /** When the current step began, for the pause countdown. */
    stepStartedAt: Date | null;
  };

export function stableWeightOf(canaryWeight: number): number {
  return 100 - canaryWeight;
}

export function describeDestination({ host, subset, port }: Destination): string {
  return `${host}${subset ? ` (subset ${subset})` : ""}${port ? `:${port}` : ""}`;
}

/** Where a rollout's series are in Prometheus: its namespace and the two workloads' names. */
export function workloadsOf(rollout: Pick<RolloutDefinition, "namespace" | "metrics">): { namespace: string; stable: string; canary: string } {
  return { namespace: rollout.namespace, stable: rollout.metrics.stableWorkload, canary: rollout.metrics.canaryWorkload };
}
