import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { api } from "./client";

/**
 * Istio lets an HTTP route's name be any string; its analyzer's own test data names one
 * "send /api/v1/products to sample.foo" (istio/istio pkg/config/analysis/analyzers/testdata,
 * Apache-2.0). Such a route is described, found and driven, and nothing but its two weights changes.
 */
const ROUTE = "send /api/v1/products to sample.foo";
const kube = startKubeForFile();

beforeAll(async () => {
  await useFreshDatabase();
});

describe("a free-form route name", () => {
  it("is accepted, found by its exact name, and driven through start and rollback", async () => {
    const vs = kube.addVirtualService({ route: ROUTE });
    const before = structuredClone(kube.get(vs));
    const created = await api.create(rolloutInput({ virtualService: vs, route: ROUTE }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.route).toBe(ROUTE);

    expect((await api.act(created.body.id, { action: "start" })).status).toBe(200);
    expect(kube.weights(vs, { route: ROUTE })).toEqual([95, 5]);
    expect((await api.act(created.body.id, { action: "rollback", reason: "test" })).status).toBe(200);
    expect(kube.weights(vs, { route: ROUTE })).toEqual([100, 0]);

    const after = kube.get(vs);
    expect(after.spec).toEqual(before.spec);
  });

  it("is matched exactly: the same words with other spaces or case are a different route, refused by name", async () => {
    const vs = kube.addVirtualService({ route: ROUTE });
    const created = await api.create(rolloutInput({ virtualService: vs, route: "Send /api/v1/products to sample.foo" }));
    expect(created.status).toBe(201);
    const started = await api.act(created.body.id, { action: "start" });
    expect(started.status).toBe(422);
    expect(JSON.stringify(started.body)).toContain("Send /api/v1/products to sample.foo");
    expect(kube.weights(vs, { route: ROUTE })).toEqual([100, 0]);
  });

  it("may not hold a line break (it could not be shown or audited faithfully)", async () => {
    const created = await api.create(rolloutInput({ virtualService: kube.addVirtualService(), route: "primary\nsecondary" }));
    expect(created.status).toBe(400);
    expect(created.body.error.fields.route).toMatch(/control character/);
  });
});
