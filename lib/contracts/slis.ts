import type { VerdictStatus } from "../domain/burn-summary";

/** What GET /api/slis answers: the overview's current SLIs and burn verdict per rollout (server and browser share it). */
export type WorkloadSlis = { errorRate: number | null; p95Ms: number | null; requestRate: number | null };

export type SliOverviewRow = {
  rolloutId: string;
  /** "no_traffic": Prometheus answered but neither workload served requests in the last 5 minutes. */
  state: "ok" | "no_traffic";
  canary: WorkloadSlis;
  stable: WorkloadSlis;
  /** Observed canary share of requests, 0..1. */
  split: number | null;
  thresholds: { errorRate: number; latencyP95Ms: number };
  burn: {
    /** The more alarming of the service's and the canary's multiwindow verdicts, and whose it is. */
    status: VerdictStatus;
    scope: "service" | "canary" | null;
    service: VerdictStatus;
    canary: VerdictStatus;
    /** Over 1h, for the badge's tooltip. */
    serviceBurnRate: number | null;
    canaryBurnRate: number | null;
  };
};

export type SliOverview = { generatedAt: number; window: string; rollouts: Record<string, SliOverviewRow> };
