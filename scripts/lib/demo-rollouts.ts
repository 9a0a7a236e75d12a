import type { AnalysisInput } from "../../lib/domain/analysis/definition";
import type { RolloutDefinition } from "../../lib/domain/rollout";

/** How one workload answers in the sandbox mesh: 5xx share, median and 95th-percentile latency. */
export type TrafficProfile = { errorRatio: number; p50Ms: number; p95Ms: number };

/**
 * One demo service: the rollout Aviary drives, how its stable and canary workloads behave in
 * the sandbox mesh, and how far the seed takes a freshly created rollout so the canary has
 * traffic from the first minute.
 */
export type DemoService = {
  definition: Omit<RolloutDefinition, "cluster" | "analysis">;
  /** What the demo (not the browser tests' stack) asks of automated analysis for this rollout. */
  analysis: AnalysisInput;
  /** Requests per second the mesh sends through the VirtualService route. */
  rps: number;
  stable: TrafficProfile;
  canary: TrafficProfile;
  warmUp: ("start" | "promote")[];
};

/** The newcomer's three canaries: one healthy, one that errors, one that is slow. */
export const DEMO_SERVICES: DemoService[] = [
  {
    definition: {
      name: "checkout-v2",
      namespace: "shop",
      virtualService: "checkout",
      route: "primary",
      stable: { host: "checkout.shop.svc.cluster.local", subset: "stable" },
      canary: { host: "checkout.shop.svc.cluster.local", subset: "canary" },
      // At 50% a hold step waits for the release captain, even in auto mode.
      steps: [
        { weight: 5, pauseSeconds: 120 },
        { weight: 25, pauseSeconds: 300 },
        { kind: "hold", weight: 50, reason: "release captain sign-off" },
        { weight: 100 },
      ],
      metrics: { stableWorkload: "checkout-v1", canaryWorkload: "checkout-v2" },
      slo: { availability: 99.9, latencyP95Ms: 250 },
    },
    // Healthy: Aviary advances it step by step on its own, up to the hold at 50%.
    analysis: { mode: "auto" },
    rps: 40,
    stable: { errorRatio: 0.0005, p50Ms: 45, p95Ms: 140 },
    canary: { errorRatio: 0.0005, p50Ms: 42, p95Ms: 130 },
    warmUp: ["start", "promote"],
  },
  {
    definition: {
      name: "payments-v2",
      namespace: "payments",
      virtualService: "payments",
      route: "api",
      stable: { host: "payments.payments.svc.cluster.local", subset: "v1" },
      canary: { host: "payments.payments.svc.cluster.local", subset: "v2" },
      steps: [{ weight: 5, pauseSeconds: 300 }, { weight: 25, pauseSeconds: 600 }, { weight: 50, pauseSeconds: 600 }, { weight: 100 }],
      metrics: { stableWorkload: "payments-v1", canaryWorkload: "payments-v2" },
      slo: { availability: 99.95, latencyP95Ms: 400 },
    },
    // Bad: Aviary rolls it back within seconds of start-up.
    analysis: { mode: "rollback" },
    rps: 30,
    stable: { errorRatio: 0.001, p50Ms: 80, p95Ms: 220 },
    // 5% of the canary's answers are 5xx: far beyond a 99.95% objective.
    canary: { errorRatio: 0.05, p50Ms: 85, p95Ms: 240 },
    warmUp: ["start", "promote"],
  },
  {
    definition: {
      name: "search-v7",
      namespace: "search",
      virtualService: "search",
      stable: { host: "search.search.svc.cluster.local", subset: "v6" },
      canary: { host: "search.search.svc.cluster.local", subset: "v7" },
      steps: [{ weight: 10, pauseSeconds: 180 }, { weight: 50, pauseSeconds: 300 }, { weight: 100 }],
      metrics: { stableWorkload: "search-v6", canaryWorkload: "search-v7" },
      slo: { availability: 99.5, latencyP95Ms: 150 },
    },
    // Slow: verdicts shown, never acted on (a dry run).
    analysis: { mode: "observe" },
    rps: 60,
    stable: { errorRatio: 0.002, p50Ms: 30, p95Ms: 95 },
    // Answers fine but slowly: P95 well over the 150 ms objective.
    canary: { errorRatio: 0.002, p50Ms: 70, p95Ms: 340 },
    warmUp: ["start"],
  },
];

/** The rollout definitions alone, as the API takes them. */
export const DEMO_ROLLOUTS = DEMO_SERVICES.map((service) => service.definition);
