import { randomBytes } from "node:crypto";

/** A valid rollout definition with a unique name; override any part. */
export function rolloutInput(overrides: Record<string, unknown> = {}) {
  return {
    name: `checkout-${randomBytes(3).toString("hex")}`,
    namespace: "shop",
    virtualService: "checkout",
    route: "primary",
    stable: { host: "checkout", subset: "stable" },
    canary: { host: "checkout", subset: "canary" },
    steps: [{ weight: 5, pauseSeconds: 60 }, { weight: 25 }, { weight: 50 }, { weight: 100 }],
    metrics: { stableWorkload: "checkout-v1", canaryWorkload: "checkout-v2" },
    slo: { availability: 99.9, latencyP95Ms: 300 },
    ...overrides,
  };
}
