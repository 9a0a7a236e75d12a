import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiFailure, checkoutVs, raw, startSandbox, VS, type Sandbox } from "./test-support";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterEach(() => sb.api.faults.clear());
afterAll(() => sb.api.close());

const at = { ...VS, namespace: "shop", name: "checkout" };
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const patch = (w: [number, number] = [100, 0]) => sb.client.patchNamespacedCustomObject({ ...at, body: { spec: checkoutVs(w).spec } }, merge);
const connectionError = (err: unknown) => `${(err as { code?: string }).code ?? ""} ${String(err)}`;

describe("sandbox kube-api (test double): fault injection", () => {
  it("failRate 1 on PATCH answers 500 to patches while GET keeps working", async () => {
    sb.api.faults.add({ failRate: 1, methods: ["PATCH"] });
    const status = await apiFailure(patch([90, 10]), 500);
    expect(status).toMatchObject({ kind: "Status", reason: "InternalError", code: 500 });
    const vs = (await sb.client.getNamespacedCustomObject(at)) as { spec: { http: { route: { weight: number }[] }[] } };
    expect(vs.spec.http[0]?.route.map((r) => r.weight)).toEqual([100, 0]);
  });

  it("conflictStorm n answers exactly n writes with 409, then writes succeed", async () => {
    sb.api.faults.add({ conflictStorm: 3 });
    await sb.client.getNamespacedCustomObject(at); // reads are not part of the storm
    for (let i = 0; i < 3; i++) {
      const status = await apiFailure(patch([90, 10]), 409);
      expect(status.reason).toBe("Conflict");
      expect(status.message).toContain('Operation cannot be fulfilled on virtualservices.networking.istio.io "checkout"');
    }
    await patch([90, 10]);
  });

  it("latencyMs delays matching requests only", async () => {
    sb.api.faults.add({ latencyMs: 400, pathContains: "/virtualservices/checkout" });
    let t = Date.now();
    await sb.client.getNamespacedCustomObject(at);
    expect(Date.now() - t).toBeGreaterThanOrEqual(380);
    t = Date.now();
    await sb.client.listNamespacedCustomObject({ ...VS, namespace: "shop" });
    expect(Date.now() - t).toBeLessThan(380);
  });

  it("refuseConnections makes the client fail to connect, and recovers once cleared", async () => {
    sb.api.faults.add({ refuseConnections: true });
    const err = await sb.client.getNamespacedCustomObject(at).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(connectionError(err)).toMatch(/ECONNREFUSED/);
    sb.api.faults.clear();
    await sb.client.getNamespacedCustomObject(at);
  });

  it("refuseConnections: reset (set over the admin API) resets matching requests", async () => {
    const set = await raw(sb.api, "POST", "/sandbox/faults", {
      token: null,
      contentType: "application/json",
      body: JSON.stringify({ refuseConnections: "reset", methods: ["PATCH"] }),
    });
    expect(set.status).toBe(201);
    const err = await patch().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(connectionError(err)).toMatch(/ECONNRESET|socket hang up/);
    await sb.client.getNamespacedCustomObject(at);
    expect((await raw(sb.api, "DELETE", "/sandbox/faults", { token: null })).status).toBe(200);
    await patch();
  });

  it("expires a fault after forMs", async () => {
    sb.api.faults.add({ failRate: 1, forMs: 150 });
    await apiFailure(sb.client.getNamespacedCustomObject(at), 500);
    await new Promise((r) => setTimeout(r, 200));
    await sb.client.getNamespacedCustomObject(at);
  });

  it("dumps and seeds objects through /sandbox/objects", async () => {
    const seeded = await raw(sb.api, "POST", "/sandbox/objects", {
      token: null,
      contentType: "application/json",
      body: JSON.stringify([checkoutVs([100, 0], "search")]),
    });
    expect(seeded.status).toBe(200);
    const dump = (await raw(sb.api, "GET", "/sandbox/objects", { token: null })).json() as {
      resourceVersion: string;
      items: { metadata: { name: string } }[];
    };
    expect(dump.items.map((i) => i.metadata.name)).toEqual(expect.arrayContaining(["checkout", "search"]));
    await sb.client.getNamespacedCustomObject({ ...at, name: "search" });
    const invalid = await raw(sb.api, "POST", "/sandbox/objects", {
      token: null,
      contentType: "application/json",
      body: JSON.stringify([checkoutVs([50, 60], "nope")]),
    });
    expect(invalid.status).toBe(422);
  });
});
