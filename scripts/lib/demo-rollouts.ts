/**
 * The demo's three canaries (a healthy one, one that errors, one that is slow). The same
 * definitions seed the sandbox cluster and the traffic simulator as those arrive.
 */
export const DEMO_ROLLOUTS = [
  {
    name: "checkout-v2",
    namespace: "shop",
    virtualService: "checkout",
    route: "primary",
    stable: { host: "checkout.shop.svc.cluster.local", subset: "stable" },
    canary: { host: "checkout.shop.svc.cluster.local", subset: "canary" },
    steps: [{ weight: 5, pauseSeconds: 120 }, { weight: 25, pauseSeconds: 300 }, { weight: 50, pauseSeconds: 300 }, { weight: 100 }],
    metrics: { stableWorkload: "checkout-v1", canaryWorkload: "checkout-v2" },
    slo: { availability: 99.9, latencyP95Ms: 250 },
  },
  {
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
  {
    name: "search-v7",
    namespace: "search",
    virtualService: "search",
    stable: { host: "search.search.svc.cluster.local", subset: "v6" },
    canary: { host: "search.search.svc.cluster.local", subset: "v7" },
    steps: [{ weight: 10, pauseSeconds: 180 }, { weight: 50, pauseSeconds: 300 }, { weight: 100 }],
    metrics: { stableWorkload: "search-v6", canaryWorkload: "search-v7" },
    slo: { availability: 99.5, latencyP95Ms: 150 },
  },
];
