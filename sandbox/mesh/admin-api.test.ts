import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MeshError } from "./mesh-error";
import { adminRequest, CANARY, requestsTo, sleep, STABLE, startStack, type Stack } from "./test-support";

const stable = { errorRatio: 0.01, p50Ms: 30, p95Ms: 90 };
const canary = { errorRatio: 0.02, p50Ms: 35, p95Ms: 100 };
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ weights: [90, 10], profiles: { stable, canary }, rps: 1000 });
});
afterAll(() => stack.close());

const profilePath = `/admin/profiles/shop/${CANARY}`;

describe("sandbox mesh (test double): admin API", () => {
  it("lists services with their current weights and profiles", async () => {
    const { status, json } = await adminRequest(stack.mesh, "GET", "/admin/services");
    expect(status).toBe(200);
    expect(json.services).toEqual([
      expect.objectContaining({
        namespace: "shop",
        virtualService: "checkout",
        route: "primary",
        rps: 1000,
        weightsStale: false,
        destinations: [
          expect.objectContaining({ workload: STABLE, subset: "stable", version: "v1", weight: 90, profile: stable }),
          expect.objectContaining({ workload: CANARY, subset: "canary", version: "v2", weight: 10, profile: canary }),
        ],
      }),
    ]);
  });

  it.each([
    [{ errorRatio: 1.5 }, "errorRatio"],
    [{ errorRatio: "lots" }, "errorRatio"],
    [{ p50Ms: -3 }, "p50Ms"],
    [{ p95Ms: 10 }, "p95Ms"], // below the current p50 of 35
    [{ latencyMs: 5 }, "latencyMs"],
  ])("answers 400 naming the field for %j", async (body, field) => {
    const { status, json } = await adminRequest(stack.mesh, "PUT", profilePath, body);
    expect(status).toBe(400);
    expect(json.error.code).toBe("VALIDATION");
    expect(Object.keys(json.error.fields)).toEqual([field]);
    expect(json.error.message).toContain(field);
  });

  it("rejects a body that is not JSON, and leaves the profile untouched after bad input", async () => {
    const { status, json } = await adminRequest(stack.mesh, "PUT", profilePath, "{errorRatio: 0.5");
    expect(status).toBe(400);
    expect(json.error.fields).toEqual({ "(body)": "not valid JSON" });
    expect(stack.mesh.services()[0]?.destinations[1]?.profile).toEqual(canary);
  });

  it("answers 404 for an unknown workload or VirtualService, 405 for a wrong method", async () => {
    expect((await adminRequest(stack.mesh, "PUT", "/admin/profiles/shop/nobody", { errorRatio: 0.5 })).status).toBe(404);
    expect((await adminRequest(stack.mesh, "PUT", `/admin/profiles/other/${CANARY}`, { errorRatio: 0.5 })).status).toBe(404);
    expect((await adminRequest(stack.mesh, "PUT", "/admin/services/shop/nothing", { rps: 5 })).status).toBe(404);
    expect((await adminRequest(stack.mesh, "GET", profilePath)).status).toBe(405);
    expect(() => stack.mesh.setProfile({ namespace: "shop", workload: CANARY, errorRatio: 2 })).toThrow(MeshError);
  });

  it("changes rps, and validates it", async () => {
    const bad = await adminRequest(stack.mesh, "PUT", "/admin/services/shop/checkout", { rps: -1 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.error.fields)).toEqual(["rps"]);
    const ok = await adminRequest(stack.mesh, "PUT", "/admin/services/shop/checkout", { rps: 0 });
    expect(ok).toEqual({ status: 200, json: { namespace: "shop", virtualService: "checkout", rps: 0 } });
    await sleep(60); // let a tick already in flight finish
    const before = await stack.scrape();
    await sleep(200);
    const after = await stack.scrape();
    expect(requestsTo(after, STABLE) + requestsTo(after, CANARY)).toBe(requestsTo(before, STABLE) + requestsTo(before, CANARY));
  });

  it("restores the initial profiles and rates on reset, without resetting counters", async () => {
    const changed = await adminRequest(stack.mesh, "PUT", profilePath, { errorRatio: 0.9, p95Ms: 400 });
    expect(changed.json.profile).toEqual({ errorRatio: 0.9, p50Ms: 35, p95Ms: 400 });
    const before = await stack.scrape();
    const { status, json } = await adminRequest(stack.mesh, "POST", "/admin/reset");
    expect(status).toBe(200);
    expect(json.services[0]?.rps).toBe(1000);
    expect(json.services[0]?.destinations[1]?.profile).toEqual(canary);
    await sleep(100);
    expect(requestsTo(await stack.scrape(), STABLE)).toBeGreaterThan(requestsTo(before, STABLE));
  });
});
