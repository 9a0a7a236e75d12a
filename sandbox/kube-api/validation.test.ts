import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiFailure, checkoutVs, DR, raw, startSandbox, VS, type Sandbox } from "./test-support";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.api.close());

const at = { ...VS, namespace: "shop", name: "checkout" };
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const get = () => sb.client.getNamespacedCustomObject(at);
const routeOf = (route: unknown[]) => ({ spec: { http: [{ name: "primary", route }] } });
const dest = (subset: string, weight?: unknown) => ({ destination: { host: "checkout", subset }, ...(weight === undefined ? {} : { weight }) });

describe("sandbox kube-api (test double): validation against the Istio CRD schema and webhook", () => {
  it("rejects weights that do not sum to 100 with 422, naming the field, and stores nothing", async () => {
    const before = await get();
    const status = await apiFailure(sb.client.patchNamespacedCustomObject({ ...at, body: routeOf([dest("stable", 90), dest("canary", 20)]) }, merge), 422);
    expect(status).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "Invalid",
      code: 422,
      message: 'VirtualService.networking.istio.io "checkout" is invalid: spec.http[0].route: Invalid value: [90,20]: total destination weight = 110 != 100',
      details: { name: "checkout", group: "networking.istio.io", kind: "VirtualService" },
    });
    expect(status.details?.causes).toEqual([
      { reason: "FieldValueInvalid", message: "Invalid value: [90,20]: total destination weight = 110 != 100", field: "spec.http[0].route" },
    ]);
    expect(await get()).toEqual(before);
  });

  it("rejects a negative weight on the weight field itself", async () => {
    const status = await apiFailure(
      sb.client.patchNamespacedCustomObject({
        ...at,
        body: [
          { op: "replace", path: "/spec/http/0/route/0/weight", value: 110 },
          { op: "replace", path: "/spec/http/0/route/1/weight", value: -10 },
        ],
      }),
      422,
    );
    const fields = status.details?.causes?.map((c) => c.field);
    expect(fields).toContain("spec.http[0].route[1].weight");
    expect(fields).toContain("spec.http[0].route[0].weight");
  });

  it("accepts a single destination without weight", async () => {
    const ok = (await sb.client.patchNamespacedCustomObject({ ...at, body: routeOf([dest("stable")]) }, merge)) as { spec: unknown };
    expect(ok.spec).toMatchObject(routeOf([dest("stable")]).spec);
    await sb.client.patchNamespacedCustomObject({ ...at, body: routeOf([dest("stable", 100), dest("canary", 0)]) }, merge);
  });

  it("rejects a non-integer weight with a schema type error", async () => {
    const before = await get();
    const status = await apiFailure(
      sb.client.patchNamespacedCustomObject({ ...at, body: [{ op: "replace", path: "/spec/http/0/route/0/weight", value: "x" }] }),
      422,
    );
    expect(status.details?.causes).toContainEqual({
      reason: "FieldValueTypeInvalid",
      message: 'Invalid value: "string": spec.http[0].route[0].weight in body must be of type integer: "string"',
      field: "spec.http[0].route[0].weight",
    });
    expect(await get()).toEqual(before);
  });

  it("rejects spec.hosts of the wrong type on create and stores nothing", async () => {
    const body = checkoutVs([100, 0], "broken") as { spec: Record<string, unknown> };
    body.spec.hosts = 5;
    const status = await apiFailure(sb.client.createNamespacedCustomObject({ ...VS, namespace: "shop", body }), 422);
    expect(status.message).toBe(
      'VirtualService.networking.istio.io "broken" is invalid: [spec.hosts: Invalid value: "integer": spec.hosts in body must be of type array: "integer", ' +
        // The CRD's CEL rules are skipped once the schema fails, and the real server says so.
        "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]",
    );
    await apiFailure(sb.client.getNamespacedCustomObject({ ...at, name: "broken" }), 404);
  });

  it("rejects a missing required field and an invalid name", async () => {
    const noHost = { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "dr1" }, spec: { subsets: [{ name: "a" }] } };
    const s1 = await apiFailure(sb.client.createNamespacedCustomObject({ ...DR, namespace: "shop", body: noHost }), 422);
    expect(s1.details?.causes).toContainEqual({ reason: "FieldValueRequired", message: "Required value", field: "spec.host" });
    const badName = { ...checkoutVs([100, 0], "Bad_Name") };
    const s2 = await apiFailure(sb.client.createNamespacedCustomObject({ ...VS, namespace: "shop", body: badName }), 422);
    expect(s2.details?.causes?.[0]?.field).toBe("metadata.name");
  });

  it("prunes unknown fields with a warning, and rejects them under fieldValidation=Strict", async () => {
    const body = { metadata: {}, spec: { hosts: ["checkout"], bogus: true } };
    const res = await raw(sb.api, "PATCH", "/apis/networking.istio.io/v1/namespaces/shop/virtualservices/checkout", {
      contentType: "application/merge-patch+json",
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    expect(res.headers.warning).toContain('unknown field \\"spec.bogus\\"');
    expect((res.json() as { spec: Record<string, unknown> }).spec.bogus).toBeUndefined();
    const strict = await raw(sb.api, "PATCH", "/apis/networking.istio.io/v1/namespaces/shop/virtualservices/checkout?fieldValidation=Strict", {
      contentType: "application/merge-patch+json",
      body: JSON.stringify(body),
    });
    // A patch's result is decoded again: the real server answers 422 on the field "patch" (test/kube-contract).
    expect(strict.status).toBe(422);
    expect((strict.json() as { details: { causes: { field: string }[] } }).details.causes[0]?.field).toBe("patch");
  });

  it("enforces the namespace in the URL", async () => {
    const body = { ...checkoutVs([100, 0], "elsewhere"), metadata: { name: "elsewhere", namespace: "other" } };
    const status = await apiFailure(sb.client.createNamespacedCustomObject({ ...VS, namespace: "shop", body }), 400);
    expect(status.reason).toBe("BadRequest");
  });
});
