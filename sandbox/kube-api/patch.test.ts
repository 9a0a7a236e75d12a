import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { apiFailure, checkoutVs, OTHER_WRITER_TOKEN, raw, startSandbox, VS, type Sandbox } from "./test-support";

type Route = { destination: { host: string; subset: string }; weight?: number };
type Vs = { metadata: { resourceVersion: string; generation: number }; spec: { http: { name: string; route: Route[] }[] } };

let sb: Sandbox | undefined;
beforeEach(async () => {
  await sb?.api.close();
  sb = await startSandbox();
});
afterAll(() => sb?.api.close());

const s = () => sb as Sandbox;
const at = { ...VS, namespace: "shop", name: "checkout" };
const get = async () => (await s().client.getNamespacedCustomObject(at)) as Vs;
const weights = (vs: Vs) => vs.spec.http[0]?.route.map((r) => r.weight);
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const VS_PATH = "/apis/networking.istio.io/v1/namespaces/shop/virtualservices/checkout";

function mergeBody(rv: string | undefined, w: [number, number]) {
  const body = checkoutVs(w);
  return { metadata: rv === undefined ? {} : { resourceVersion: rv }, spec: body.spec };
}

describe("sandbox kube-api (test double): PATCH", () => {
  it("applies a JSON patch (client-node default content type) guarded by a test on resourceVersion", async () => {
    const before = await get();
    const patched = (await s().client.patchNamespacedCustomObject({
      ...at,
      body: [
        { op: "test", path: "/metadata/resourceVersion", value: before.metadata.resourceVersion },
        { op: "replace", path: "/spec/http/0/route/0/weight", value: 90 },
        { op: "replace", path: "/spec/http/0/route/1/weight", value: 10 },
      ],
    })) as Vs;
    expect(weights(patched)).toEqual([90, 10]);
    expect(Number(patched.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(patched.metadata.generation).toBe(before.metadata.generation + 1);
  });

  it("rejects a JSON patch whose test fails with 422 and changes nothing", async () => {
    const stale = (await get()).metadata.resourceVersion;
    await s().client.patchNamespacedCustomObject({ ...at, body: mergeBody(undefined, [90, 10]) }, merge);
    const before = await get();
    const status = await apiFailure(
      s().client.patchNamespacedCustomObject({
        ...at,
        body: [
          { op: "test", path: "/metadata/resourceVersion", value: stale },
          { op: "replace", path: "/spec/http/0/route/0/weight", value: 50 },
          { op: "replace", path: "/spec/http/0/route/1/weight", value: 50 },
        ],
      }),
      422,
    );
    expect(status.reason).toBe("Invalid");
    // As kube-apiserver: the generic message only, nothing saying which operation failed.
    expect(status.message).toBe("the server rejected our request due to an error in our request");
    expect(status.details).toEqual({});
    expect(await get()).toEqual(before);
  });

  it("applies a merge patch when the client sets the merge-patch content type", async () => {
    const before = await get();
    const patched = (await s().client.patchNamespacedCustomObject({ ...at, body: mergeBody(before.metadata.resourceVersion, [75, 25]) }, merge)) as Vs;
    expect(weights(patched)).toEqual([75, 25]);
    expect(patched.spec.http[0]?.name).toBe("primary");
  });

  it("rejects a merge patch carrying a stale resourceVersion with 409 and changes nothing", async () => {
    const before = await get();
    await s().client.patchNamespacedCustomObject({ ...at, body: mergeBody(undefined, [90, 10]) }, merge);
    const current = await get();
    const status = await apiFailure(s().client.patchNamespacedCustomObject({ ...at, body: mergeBody(before.metadata.resourceVersion, [50, 50]) }, merge), 409);
    expect(status).toMatchObject({ reason: "Conflict", code: 409, details: { name: "checkout", kind: "virtualservices" } });
    expect(await get()).toEqual(current);
  });

  it("does not lose an external write made between read and patch", async () => {
    const read = await get();
    // Someone runs `kubectl edit` with their own credentials in between.
    const external = s().clientFor(OTHER_WRITER_TOKEN);
    await external.patchNamespacedCustomObject({ ...at, body: mergeBody(undefined, [60, 40]) }, merge);
    await apiFailure(s().client.patchNamespacedCustomObject({ ...at, body: mergeBody(read.metadata.resourceVersion, [95, 5]) }, merge), 409);
    expect(weights(await get())).toEqual([60, 40]);
  });

  it("answers strategic-merge-patch with 415 like the real server does for custom resources", async () => {
    const status = await apiFailure(
      s().client.patchNamespacedCustomObject(
        { ...at, body: mergeBody(undefined, [50, 50]) },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      ),
      415,
    );
    expect(status).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
      reason: "UnsupportedMediaType",
      code: 415,
    });
    const other = await raw(s().api, "PATCH", VS_PATH, { contentType: "text/plain", body: "{}" });
    expect(other.status).toBe(415);
  });

  it("supports server-side apply (simplified) and requires fieldManager", async () => {
    const applyHeader = setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply);
    const body = checkoutVs([80, 20]);
    const status = await apiFailure(s().client.patchNamespacedCustomObject({ ...at, body }, applyHeader), 422);
    expect(status.message).toContain("fieldManager: Required value");
    const applied = (await s().client.patchNamespacedCustomObject({ ...at, body, fieldManager: "aviary" }, applyHeader)) as Vs;
    expect(weights(applied)).toEqual([80, 20]);
    const yaml = [
      "apiVersion: networking.istio.io/v1",
      "kind: VirtualService",
      "metadata: {name: fresh, namespace: shop}",
      "spec: {hosts: [fresh], http: [{route: [{destination: {host: fresh}}]}]}",
    ].join("\n");
    const created = await raw(s().api, "PATCH", `${VS_PATH.replace("checkout", "fresh")}?fieldManager=aviary`, {
      contentType: "application/apply-patch+yaml",
      body: yaml,
    });
    expect(created.status).toBe(201);
  });

  it("rejects bodies over 3 MiB with 413", async () => {
    const res = await raw(s().api, "PATCH", VS_PATH, {
      contentType: "application/merge-patch+json",
      body: JSON.stringify({ metadata: { annotations: { big: "x".repeat(3 * 1024 * 1024) } } }),
    });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ reason: "RequestEntityTooLarge" });
  });
});
