import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Exposition } from "./prometheus-text";
import { adminRequest, CANARY, errorsTo, requestsTo, STABLE, startStack, type Stack } from "./test-support";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    weights: [50, 50],
    profiles: { stable: { errorRatio: 0.02, p50Ms: 20, p95Ms: 60 }, canary: { errorRatio: 0.2, p50Ms: 20, p95Ms: 60 } },
    rps: 4000,
  });
});
afterAll(() => stack.close());

/** 5xx share of the requests a workload received between two scrapes. */
const errorShare = (before: Exposition, after: Exposition, workload: string) =>
  (errorsTo(after, workload) - errorsTo(before, workload)) / (requestsTo(after, workload) - requestsTo(before, workload));

async function scrapeUntil(before: Exposition, perWorkload: number): Promise<Exposition> {
  let after = before;
  await vi.waitFor(async () => {
    after = await stack.scrape();
    for (const w of [STABLE, CANARY]) expect(requestsTo(after, w) - requestsTo(before, w)).toBeGreaterThanOrEqual(perWorkload);
  });
  return after;
}

// Error counts are binomial. With n >= 1500 requests per workload the standard error is
// sqrt(p(1-p)/n): 0.0036 at p = 0.02, 0.0103 at p = 0.2 and 0.0126 at p = 0.6. Each
// tolerance below is about 4 standard errors.
describe("sandbox mesh (test double): error profiles", () => {
  it("answers 5xx at each workload's errorRatio", async () => {
    const empty: Exposition = { samples: [], types: new Map() };
    const after = await scrapeUntil(empty, 1500);
    expect(Math.abs(errorShare(empty, after, STABLE) - 0.02)).toBeLessThan(0.015);
    expect(Math.abs(errorShare(empty, after, CANARY) - 0.2)).toBeLessThan(0.04);
    const codes = new Set(after.samples.filter((s) => s.name === "istio_requests_total").map((s) => s.labels.response_code));
    expect(codes).toEqual(new Set(["200", "503"]));
  });

  it("changes the share of new requests when the profile changes through the admin API", async () => {
    const put = await adminRequest(stack.mesh, "PUT", `/admin/profiles/shop/${CANARY}`, { errorRatio: 0.6 });
    expect(put.status).toBe(200);
    expect(put.json.profile).toEqual({ errorRatio: 0.6, p50Ms: 20, p95Ms: 60 });
    const before = await stack.scrape();
    const after = await scrapeUntil(before, 1500);
    expect(Math.abs(errorShare(before, after, CANARY) - 0.6)).toBeLessThan(0.05);
    expect(Math.abs(errorShare(before, after, STABLE) - 0.02)).toBeLessThan(0.015);
  });
});
