import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Exposition } from "./prometheus-text";
import { startMesh } from "./server";
import { CANARY, meshConfig, requestsTo, scrape, sleep, STABLE, startStack, type Stack } from "./test-support";

const profile = { errorRatio: 0, p50Ms: 10, p95Ms: 30 };
const stale = (m: Exposition) => m.samples.find((s) => s.name === "sandbox_mesh_weights_stale")?.value;
const tmp = mkdtempSync(path.join(os.tmpdir(), "aviary-mesh-stale-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("sandbox mesh (test double): Kubernetes API unreachable", () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack({ weights: [90, 10], profiles: { stable: profile, canary: profile }, rps: 2000 });
  });
  afterEach(() => stack.close());

  it("flags the weights stale and keeps simulating with the last known ones", async () => {
    expect(stale(await stack.scrape())).toBe(0);
    stack.api.faults.set({ refuseConnections: true });
    // Changed while the mesh cannot see it: the mesh must keep routing 90/10.
    stack.api.store.update("virtualservices", "shop", "checkout", (vs) => {
      const route = (vs.spec as { http: { route: { weight: number }[] }[] }).http[1]?.route ?? [];
      route.forEach((r, i) => (r.weight = i === 0 ? 0 : 100));
    });
    await vi.waitFor(async () => expect(stale(await stack.scrape())).toBe(1));
    expect(stack.mesh.services()[0]).toMatchObject({ weightsStale: true, error: expect.stringMatching(/ECONNREFUSED|fetch failed|connect/) });
    const before = await stack.scrape();
    await sleep(300);
    const after = await stack.scrape();
    expect(requestsTo(after, STABLE)).toBeGreaterThan(requestsTo(before, STABLE));
    expect(requestsTo(after, CANARY)).toBeGreaterThan(requestsTo(before, CANARY));

    stack.api.faults.clear();
    await vi.waitFor(async () => expect(stale(await stack.scrape())).toBe(0));
    expect(stack.mesh.services()[0]?.destinations.map((d) => d.weight)).toEqual([0, 100]);
  });

  it("survives the API going away for good", async () => {
    await stack.api.close();
    await vi.waitFor(async () => expect(stale(await stack.scrape())).toBe(1));
    const { status } = await fetch(`${stack.mesh.url}/admin/services`);
    expect(status).toBe(200);
  });
});

describe("sandbox mesh (test double): no Kubernetes API at start", () => {
  it("starts, reports stale weights and sends no traffic until it can read them", async () => {
    const config = meshConfig({ kubeconfigPath: path.join(tmp, "missing-kubeconfig"), stable: profile, canary: profile });
    const mesh = await startMesh({ config, log: () => {} });
    try {
      await sleep(150);
      const metrics = await scrape(mesh.metricsUrl);
      expect(stale(metrics)).toBe(1);
      expect(metrics.samples.filter((s) => s.name === "istio_requests_total")).toEqual([]);
      expect(mesh.services()[0]?.error).toMatch(/missing-kubeconfig/);
    } finally {
      await mesh.close();
    }
  });
});
