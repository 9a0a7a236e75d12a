import { KubeConfig, VersionApi } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiFailure, checkoutVs, raw, startSandbox, VS, type Sandbox } from "./test-support";

type Obj = { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec: Record<string, unknown> };

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.api.close());

const at = (name: string, namespace = "shop") => ({ ...VS, namespace, name });
const rvOf = (o: Obj) => Number(o.metadata.resourceVersion);

describe("sandbox kube-api (test double): CRUD through @kubernetes/client-node over HTTPS", () => {
  it("gets the seeded VirtualService with server-set metadata", async () => {
    const vs = (await sb.client.getNamespacedCustomObject(at("checkout"))) as Obj;
    expect(vs.apiVersion).toBe("networking.istio.io/v1");
    expect(vs.kind).toBe("VirtualService");
    expect(vs.metadata).toMatchObject({ name: "checkout", namespace: "shop", generation: 1 });
    expect(vs.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(vs.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(vs.metadata.resourceVersion).toMatch(/^\d+$/);
  });

  it("serves every CRD version from the same storage", async () => {
    const beta = (await sb.client.getNamespacedCustomObject({ ...at("checkout"), version: "v1beta1" })) as Obj;
    const alpha = (await sb.client.getNamespacedCustomObject({ ...at("checkout"), version: "v1alpha3" })) as Obj;
    expect(beta.apiVersion).toBe("networking.istio.io/v1beta1");
    expect(alpha.apiVersion).toBe("networking.istio.io/v1alpha3");
    expect(beta.metadata.uid).toBe(alpha.metadata.uid);
  });

  it("lists per namespace and across namespaces with a list resourceVersion", async () => {
    const list = (await sb.client.listNamespacedCustomObject({ ...VS, namespace: "shop" })) as {
      kind: string;
      apiVersion: string;
      items: Obj[];
      metadata: { resourceVersion: string };
    };
    expect(list.kind).toBe("VirtualServiceList");
    expect(list.apiVersion).toBe("networking.istio.io/v1");
    expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(list.items.map((i) => i.metadata.name)).toContain("checkout");
    const empty = (await sb.client.listNamespacedCustomObject({ ...VS, namespace: "nowhere" })) as { items: Obj[] };
    expect(empty.items).toEqual([]);
    const all = (await sb.client.listCustomObjectForAllNamespaces({ ...VS })) as { items: Obj[] };
    expect(all.items.some((i) => i.metadata.namespace === "shop")).toBe(true);
  });

  it("creates, replaces and deletes, bumping resourceVersion on every write", async () => {
    const created = (await sb.client.createNamespacedCustomObject({ ...VS, namespace: "shop", body: checkoutVs([100, 0], "cart") })) as Obj;
    expect(created.metadata.generation).toBe(1);
    const rv1 = rvOf(created);

    const dup = await apiFailure(sb.client.createNamespacedCustomObject({ ...VS, namespace: "shop", body: checkoutVs([100, 0], "cart") }), 409);
    expect(dup).toMatchObject({ reason: "AlreadyExists", message: 'virtualservices.networking.istio.io "cart" already exists' });

    const next = structuredClone(created);
    (next.spec.hosts as string[]).push("cart.shop.svc.cluster.local");
    const replaced = (await sb.client.replaceNamespacedCustomObject({ ...at("cart"), body: next })) as Obj;
    expect(rvOf(replaced)).toBeGreaterThan(rv1);
    expect(replaced.metadata.generation).toBe(2);

    const labelled = structuredClone(replaced);
    labelled.metadata.labels = { team: "payments" };
    const relabelled = (await sb.client.replaceNamespacedCustomObject({ ...at("cart"), body: labelled })) as Obj;
    expect(rvOf(relabelled)).toBeGreaterThan(rvOf(replaced));
    expect(relabelled.metadata.generation).toBe(2); // metadata-only change: generation stays

    const stale = await apiFailure(sb.client.replaceNamespacedCustomObject({ ...at("cart"), body: next }), 409);
    expect(stale).toMatchObject({
      reason: "Conflict",
      message:
        'Operation cannot be fulfilled on virtualservices.networking.istio.io "cart": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: "cart", group: "networking.istio.io", kind: "virtualservices" },
    });

    // A custom resource's DELETE answers a Success Status naming it, as the real server does.
    const deleted = await sb.client.deleteNamespacedCustomObject(at("cart"));
    expect(deleted).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: { name: "cart", group: "networking.istio.io", kind: "virtualservices", uid: relabelled.metadata.uid },
    });
    const missing = await apiFailure(sb.client.getNamespacedCustomObject(at("cart")), 404);
    expect(missing).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'virtualservices.networking.istio.io "cart" not found',
      reason: "NotFound",
      details: { name: "cart", group: "networking.istio.io", kind: "virtualservices" },
      code: 404,
    });
    const after = (await sb.client.listNamespacedCustomObject({ ...VS, namespace: "shop" })) as { metadata: { resourceVersion: string } };
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(rvOf(relabelled)); // the delete was a write too
  });

  it("requires metadata.resourceVersion on PUT and refuses PUT of a missing object", async () => {
    const current = (await sb.client.getNamespacedCustomObject(at("checkout"))) as Obj;
    const body = structuredClone(current);
    delete body.metadata.resourceVersion;
    const status = await apiFailure(sb.client.replaceNamespacedCustomObject({ ...at("checkout"), body }), 422);
    expect(status.details?.causes?.[0]?.field).toBe("metadata.resourceVersion");
    await apiFailure(sb.client.replaceNamespacedCustomObject({ ...at("ghost"), body: checkoutVs([100, 0], "ghost") }), 404);
  });

  it("does not bump resourceVersion for a no-op write", async () => {
    const current = (await sb.client.getNamespacedCustomObject(at("checkout"))) as Obj;
    const same = (await sb.client.replaceNamespacedCustomObject({ ...at("checkout"), body: current })) as Obj;
    expect(same.metadata.resourceVersion).toBe(current.metadata.resourceVersion);
  });

  it("answers discovery, /version and health endpoints", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(sb.api.kubeconfigPath);
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.major).toBe("1");
    const groups = (await raw(sb.api, "GET", "/apis")).json() as { kind: string; groups: { name: string; preferredVersion: { version: string } }[] };
    expect(groups.kind).toBe("APIGroupList");
    expect(groups.groups).toContainEqual(
      expect.objectContaining({ name: "networking.istio.io", preferredVersion: expect.objectContaining({ version: "v1" }) }),
    );
    const resources = (await raw(sb.api, "GET", "/apis/networking.istio.io/v1")).json() as { resources: { name: string; kind: string }[] };
    expect(resources.resources).toContainEqual(expect.objectContaining({ name: "virtualservices", kind: "VirtualService" }));
    expect((await raw(sb.api, "GET", "/healthz", { token: null })).body).toBe("ok");
    expect((await raw(sb.api, "GET", "/readyz", { token: null })).status).toBe(200);
  });

  it("answers unknown paths with a NotFound Status", async () => {
    const res = await raw(sb.api, "GET", "/apis/networking.istio.io/v1/namespaces/shop/gateways");
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "the server could not find the requested resource",
      reason: "NotFound",
      details: {},
      code: 404,
    });
  });
});
