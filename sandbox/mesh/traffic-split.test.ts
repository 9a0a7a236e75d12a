import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CANARY, requestsTo, sleep, STABLE, startStack, VS, type Stack } from "./test-support";

const POLL_MS = 150;
const healthy = { errorRatio: 0, p50Ms: 20, p95Ms: 60 };
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ weights: [90, 10], profiles: { stable: healthy, canary: healthy }, rps: 4000, pollIntervalMs: POLL_MS });
});
afterAll(() => stack.close());

describe("sandbox mesh (test double): traffic split follows the VirtualService weights", () => {
  it("grows the counters and sends ~10% of requests to the canary at 90/10", async () => {
    const before = await stack.scrape();
    let after = before;
    await vi.waitFor(async () => {
      after = await stack.scrape();
      expect(requestsTo(after, STABLE) + requestsTo(after, CANARY)).toBeGreaterThanOrEqual(3000);
    });
    // Counters never go down between scrapes.
    for (const sample of before.samples.filter((s) => s.name === "istio_requests_total")) {
      const later = after.samples.find((s) => s.name === sample.name && JSON.stringify(s.labels) === JSON.stringify(sample.labels));
      expect(later?.value).toBeGreaterThanOrEqual(sample.value);
    }
    const canary = requestsTo(after, CANARY);
    const share = canary / (canary + requestsTo(after, STABLE));
    // Each request picks its destination independently, so the canary count is binomial:
    // with n >= 3000 and p = 0.1 the standard error is sqrt(0.1 * 0.9 / 3000) ≈ 0.0055, and
    // ±0.025 is about 4.5 standard errors. The fixed seed makes the draws repeatable too.
    expect(share).toBeGreaterThan(0.075);
    expect(share).toBeLessThan(0.125);
  });

  it("sends every new request to stable within ~2 poll intervals of a 100/0 patch", async () => {
    await stack.client.patchNamespacedCustomObject({
      ...VS,
      namespace: "shop",
      name: "checkout",
      body: [
        { op: "replace", path: "/spec/http/1/route/0/weight", value: 100 },
        { op: "replace", path: "/spec/http/1/route/1/weight", value: 0 },
      ],
    });
    // Two poll intervals plus slack for a loaded machine and one tick in flight.
    await sleep(2 * POLL_MS + 100);
    const before = await stack.scrape();
    expect(before.samples.find((s) => s.name === "sandbox_mesh_observed_weight" && s.labels.destination_workload === CANARY)?.value).toBe(0);
    await sleep(400);
    const after = await stack.scrape();
    expect(requestsTo(after, CANARY)).toBe(requestsTo(before, CANARY));
    expect(requestsTo(after, STABLE) - requestsTo(before, STABLE)).toBeGreaterThan(500);
  });
});
