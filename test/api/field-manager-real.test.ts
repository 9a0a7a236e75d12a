import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDeps, resetDeps } from "@/lib/composition/deps";
import { api } from "./client";
import { configureWith } from "../config";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { uniqueName, virtualService } from "../kube";
import { startRealKubeApi, type RealKubeApi } from "../real-kube-api";

/**
 * On the real API server (tools/kube-apiserver): Aviary's weight changes are written under its own
 * field manager, so `managedFields` say who set the weights, and whoever rewrites them afterwards
 * (a GitOps sync, kubectl) is named there too: the facts drift attribution reads (issue 21). A dry
 * run goes through the server's checks and stores nothing.
 */
const VS = { group: "networking.istio.io", version: "v1", plural: "virtualservices", namespace: "shop" } as const;
type Managed = { manager: string; operation: string; fieldsV1?: unknown };
type Vs = { metadata: { resourceVersion: string; managedFields?: Managed[] }; spec: { http: { route: { weight?: number }[] }[] } };

let real: RealKubeApi;
let cluster: CustomObjectsApi;
let restore: () => void;

beforeAll(async () => {
  await useFreshDatabase();
  real = await startRealKubeApi();
  const kc = new KubeConfig();
  kc.loadFromFile(real.kubeconfigPath);
  cluster = kc.makeApiClient(CustomObjectsApi);
  restore = configureWith({ AVIARY_CLUSTERS: JSON.stringify({ default: { kubeconfig: real.kubeconfigPath } }) }, "clusters");
}, 60_000);

afterAll(async () => {
  restore?.();
  resetDeps();
  await real?.stop();
});

const read = async (name: string) => (await cluster.getNamespacedCustomObject({ ...VS, name })) as Vs;
/**
 * Which managers own the routes. Istio's CRD declares `spec.http` a plain list (no list-type, no
 * merge key), so it is atomic: managedFields name the owner of `f:http` whole, never of one weight.
 */
const httpOwners = (vs: Vs) =>
  (vs.metadata.managedFields ?? [])
    .filter((m) => (m.fieldsV1 as { "f:spec"?: Record<string, unknown> } | undefined)?.["f:spec"]?.["f:http"] !== undefined)
    .map((m) => m.manager);

describe("field managers on the real API server", () => {
  it("names aviary as the writer of the weights, then the second manager that rewrites them", async () => {
    const name = uniqueName("fm");
    await cluster.createNamespacedCustomObject({ ...VS, body: virtualService({ name }) });
    const created = await api.create(rolloutInput({ virtualService: name }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const started = await api.act(created.body.id, { action: "start" });
    expect(started.status, JSON.stringify(started.body)).toBe(200);

    const afterStart = await read(name);
    expect(afterStart.spec.http[0]!.route.map((r) => r.weight)).toEqual([95, 5]);
    expect(httpOwners(afterStart)).toContain("aviary");

    // A GitOps controller puts its weights back, as Argo CD's self-heal would (a JSON patch under its own manager).
    await cluster.patchNamespacedCustomObject({
      ...VS,
      name,
      fieldManager: "argocd-controller",
      body: [
        { op: "replace", path: "/spec/http/0/route/0/weight", value: 100 },
        { op: "replace", path: "/spec/http/0/route/1/weight", value: 0 },
      ],
    });
    const reverted = await read(name);
    expect(httpOwners(reverted)).toContain("argocd-controller");
    expect(httpOwners(reverted)).not.toContain("aviary");
  }, 30_000);

  it("runs a dry-run patch through the server's checks and stores nothing", async () => {
    const name = uniqueName("dry");
    await cluster.createNamespacedCustomObject({ ...VS, body: virtualService({ name }) });
    const before = await read(name);
    const ref = { cluster: "default", namespace: "shop", name };
    const ops = [
      { op: "test" as const, path: "/metadata/resourceVersion", value: before.metadata.resourceVersion },
      { op: "replace" as const, path: "/spec/http/0/route/0/weight", value: 75 },
      { op: "replace" as const, path: "/spec/http/0/route/1/weight", value: 25 },
    ];
    const answered = await getDeps().kube.patchVirtualService({ ...ref, ops, dryRun: true });
    expect(answered.resourceVersion).toBe(before.metadata.resourceVersion);
    const after = await read(name);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec.http[0]!.route.map((r) => r.weight)).toEqual([100, 0]);
    // A stale precondition is refused by the dry run as by the real write.
    await expect(getDeps().kube.patchVirtualService({ ...ref, ops: [{ ...ops[0]!, value: "1" }, ops[1]!, ops[2]!], dryRun: true })).rejects.toThrow();
  }, 30_000);
});
