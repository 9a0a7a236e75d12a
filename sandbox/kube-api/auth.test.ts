import { KubeConfig, CustomObjectsApi } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiFailure, raw, READ_ONLY_TOKEN, startSandbox, VS, checkoutVs, type Sandbox } from "./test-support";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ seed: [checkoutVs(), checkoutVs([100, 0], "cart")] });
});
afterAll(() => sb.api.close());

const at = (name: string) => ({ ...VS, namespace: "shop", name });
const weightPatch = [{ op: "replace", path: "/spec/http/0/route/0/weight", value: 100 }];
const UNAUTHORIZED = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };

describe("sandbox kube-api (test double): authentication and authorization", () => {
  it("answers 401 without a token and with an unknown token", async () => {
    const res = await raw(sb.api, "GET", "/apis/networking.istio.io/v1/namespaces/shop/virtualservices", { token: null });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual(UNAUTHORIZED);
    const wrong = sb.clientFor("not-a-token");
    await apiFailure(wrong.getNamespacedCustomObject(at("checkout")), 401);

    const noUser = new KubeConfig();
    noUser.loadFromString(sb.api.kubeconfigYaml.replace(/token: .*/, "token: ''"));
    await apiFailure(noUser.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({ ...VS, namespace: "shop" }), 401);
  });

  it("lets a read-only token read but answers 403 to its PATCH", async () => {
    const viewer = sb.clientFor(READ_ONLY_TOKEN);
    await viewer.getNamespacedCustomObject(at("checkout"));
    await viewer.listNamespacedCustomObject({ ...VS, namespace: "shop" });
    const status = await apiFailure(viewer.patchNamespacedCustomObject({ ...at("checkout"), body: weightPatch }), 403);
    expect(status).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        'virtualservices.networking.istio.io "checkout" is forbidden: User "viewer" cannot patch resource "virtualservices" in API group "networking.istio.io" in the namespace "shop"',
      reason: "Forbidden",
      details: { name: "checkout", group: "networking.istio.io", kind: "virtualservices" },
      code: 403,
    });
  });

  it("applies runtime deny rules to one object only, and clears them", async () => {
    sb.api.access.deny({ verbs: ["patch"], namespace: "shop", name: "cart" });
    await apiFailure(sb.client.patchNamespacedCustomObject({ ...at("cart"), body: weightPatch }), 403);
    await sb.client.patchNamespacedCustomObject({ ...at("checkout"), body: weightPatch });
    sb.api.access.clearDenies();
    await sb.client.patchNamespacedCustomObject({ ...at("cart"), body: weightPatch });

    const viaAdmin = await raw(sb.api, "POST", "/sandbox/deny", { token: null, contentType: "application/json", body: JSON.stringify({ namespace: "shop" }) });
    expect(viaAdmin.status).toBe(201);
    const list = await apiFailure(sb.client.listNamespacedCustomObject({ ...VS, namespace: "shop" }), 403);
    expect(list.message).toContain('cannot list resource "virtualservices" in API group "networking.istio.io" in the namespace "shop"');
    await raw(sb.api, "DELETE", "/sandbox/deny", { token: null });
    await sb.client.listNamespacedCustomObject({ ...VS, namespace: "shop" });
  });
});
