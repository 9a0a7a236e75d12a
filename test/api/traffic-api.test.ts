import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { api } from "./client";
import { trafficApi } from "./traffic-client";

const kube = startKubeForFile();
beforeAll(async () => {
  await useFreshDatabase();
});

async function startedRollout(vsName: string) {
  const created = await api.create(rolloutInput({ virtualService: vsName }));
  expect(created.status).toBe(201);
  const started = await api.act(created.body.id, { action: "start" });
  expect(started.status).toBe(200);
  return started.body;
}

describe("live traffic", () => {
  it("shows the cluster's weights beside Aviary's and no drift after Aviary's own change", async () => {
    const vs = kube.addVirtualService();
    const rollout = await startedRollout(vs);
    const { status, body } = await trafficApi.live(rollout.id);
    expect(status).toBe(200);
    expect(body.live).toMatchObject({ state: "ok", canaryWeight: 5, stableWeight: 95, routeName: "primary", drift: false });
    expect(body.live.resourceVersion).toBe(kube.get(vs).metadata.resourceVersion);
  });

  it("says drift when someone edits the weights by hand, on the detail and the overview", async () => {
    const vs = kube.addVirtualService();
    const rollout = await startedRollout(vs);
    kube.setWeights(vs, [70, 30]);
    const detail = await trafficApi.live(rollout.id);
    expect(detail.body.live).toMatchObject({ state: "ok", canaryWeight: 30, drift: true });
    const overview = await trafficApi.all();
    expect(overview.status).toBe(200);
    expect(overview.body.traffic[rollout.id]).toMatchObject({ state: "ok", canaryWeight: 30, drift: true });
  });

  it("reports a missing VirtualService as a state, not a failed request", async () => {
    const created = await api.create(rolloutInput({ virtualService: "not-there" }));
    const { status, body } = await trafficApi.live(created.body.id);
    expect(status).toBe(200);
    expect(body.live).toMatchObject({ state: "error", code: "TARGET_INVALID" });
    expect(body.live.message).toContain("not-there");
    const overview = await trafficApi.all();
    expect(overview.body.traffic[created.body.id]).toMatchObject({ state: "error", code: "TARGET_INVALID" });
  });

  it("answers 404 for an unknown rollout", async () => {
    const { status, body } = await trafficApi.live("00000000-0000-4000-8000-000000000000");
    expect(status).toBe(404);
    expect(body.error.code).toBe("NOT_FOUND");
  });
});

describe("VirtualService check before saving", () => {
  it("shows the routes it found and the weights Aviary would drive", async () => {
    const vs = kube.addVirtualService({ weights: [90, 10] });
    const { target } = targetOf(rolloutInput({ virtualService: vs }));
    const { status, body } = await trafficApi.inspect(target);
    expect(status).toBe(200);
    expect(body.problem).toBeNull();
    expect(body.match).toEqual({ routeName: "primary", stableWeight: 90, canaryWeight: 10 });
    expect(body.virtualService.routes[0].destinations.map((d: { subset: string }) => d.subset)).toEqual(["stable", "canary"]);
  });

  it("names what does not fit: a route that is not there", async () => {
    const vs = kube.addVirtualService();
    const { target } = targetOf(rolloutInput({ virtualService: vs, route: "secondary" }));
    const { body } = await trafficApi.inspect(target);
    expect(body.match).toBeNull();
    expect(body.problem.message).toMatch(/no HTTP route named "secondary" \(routes: primary\)/);
    expect(body.virtualService.routes).toHaveLength(1);
  });

  it("rejects a malformed target with field errors", async () => {
    const { status, body } = await trafficApi.inspect({ namespace: "Bad Namespace", virtualService: "x", stable: { host: "a" } });
    expect(status).toBe(400);
    expect(Object.keys(body.error.fields)).toEqual(expect.arrayContaining(["namespace", "canary"]));
  });
});

describe("recent activity", () => {
  it("lists the rollout's actions newest first with actor, outcome and weights", async () => {
    const vs = kube.addVirtualService();
    const rollout = await startedRollout(vs);
    await api.act(rollout.id, { action: "promote" });
    await api.act(rollout.id, { action: "resume" }); // refused: not paused
    const { status, body } = await trafficApi.events(rollout.id);
    expect(status).toBe(200);
    expect(body.events.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`).slice(0, 3)).toEqual([
      "resume:refused",
      "promote:success",
      "start:success",
    ]);
    expect(body.events[1]).toMatchObject({ before: { canaryWeight: 5 }, after: { canaryWeight: 25 } });
  });
});

function targetOf(input: ReturnType<typeof rolloutInput>) {
  const { cluster, namespace, virtualService, route, stable, canary } = input as Record<string, unknown>;
  return { target: { cluster, namespace, virtualService, route, stable, canary } };
}
