import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPrometheusClient } from "../../lib/prometheus/client";
import { DEMO_SERVICES } from "./demo-rollouts";
import { startStack, type RunningStack } from "./stack";
import { readStackFile } from "./stack-file";

// The stack's wiring without the app: sandbox cluster -> mesh -> Prometheus, over real HTTP(S).
const dataDir = path.resolve(".data", "test", `stack-${randomBytes(4).toString("hex")}`);
const VS = { group: "networking.istio.io", version: "v1", plural: "virtualservices" } as const;
let stack: RunningStack;
let api: CustomObjectsApi;

beforeAll(async () => {
  stack = await startStack({ dataDir, fresh: true, seed: false, ownsProcess: false });
  const kc = new KubeConfig();
  kc.loadFromFile(stack.kube.kubeconfigPath);
  api = kc.makeApiClient(CustomObjectsApi);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

type Vs = {
  metadata: { resourceVersion: string };
  spec: { http: { name?: string; route: { destination: { host: string; subset: string }; weight: number }[] }[] };
};

describe("startStack without the app", () => {
  it("seeds a VirtualService per demo rollout, all traffic on stable, and describes itself in stack.json", async () => {
    for (const { definition: d } of DEMO_SERVICES) {
      const vs = (await api.getNamespacedCustomObject({ ...VS, namespace: d.namespace, name: d.virtualService })) as Vs;
      expect(vs.spec.http).toEqual([
        {
          ...(d.route && { name: d.route }),
          route: [
            { destination: d.stable, weight: 100 },
            { destination: d.canary, weight: 0 },
          ],
        },
      ]);
    }
    expect(await readStackFile(dataDir)).toEqual({ appUrl: null, databaseUrl: null, kube: stack.kube, mesh: stack.mesh, prometheus: stack.prometheus });
  });

  it("sends canary traffic once the weights change, and Prometheus records it", async () => {
    await api.patchNamespacedCustomObject({
      ...VS,
      namespace: "shop",
      name: "checkout",
      body: [
        { op: "replace", path: "/spec/http/0/route/0/weight", value: 50 },
        { op: "replace", path: "/spec/http/0/route/1/weight", value: 50 },
      ],
    });
    const prometheus = createPrometheusClient({ baseUrl: stack.prometheus.url });
    await vi.waitFor(
      async () => {
        const data = await prometheus.query(
          'sum by (destination_workload) (istio_requests_total{reporter="destination", destination_workload_namespace="shop"})',
        );
        const workloads = data.resultType === "vector" ? data.result.map((sample) => sample.metric.destination_workload).sort() : [];
        expect(workloads).toEqual(["checkout-v1", "checkout-v2"]);
      },
      { timeout: 20_000, interval: 500 },
    );
  }, 30_000);

  it("stops every part", async () => {
    await stack.stop();
    await expect(fetch(`${stack.prometheus.url}/-/ready`)).rejects.toThrow();
    await expect(fetch(stack.mesh.metricsUrl)).rejects.toThrow();
    expect(existsSync(path.join(dataDir, "kube", "objects.json"))).toBe(false); // fresh: nothing persisted
  });
});
