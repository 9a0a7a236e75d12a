import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubeAdapter, type KubeAdapter } from "@/lib/kube/virtual-services";
import { getDeps, type Deps } from "@/lib/composition/deps";
import { readAllLiveTraffic, readLiveTraffic, type ServedTraffic } from "@/lib/server/read-live-traffic";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile, virtualService } from "../kube";
import { api } from "./client";

/**
 * Live traffic served from the adapter's watch cache, proven on the sandbox API server's request
 * log: what N open pages cost the cluster, how fast an outside edit shows, and recovery from a
 * broken watch. The adapter is this file's own, so its watches can be counted and closed.
 */
const kube = startKubeForFile();
let adapter: KubeAdapter;
let deps: Deps;
const STALE_AFTER_MS = 600;

beforeAll(async () => {
  await useFreshDatabase();
  adapter = createKubeAdapter({
    configs: { default: { kubeconfig: kube.kubeconfigPath } },
    watchCache: { staleAfterMs: STALE_AFTER_MS, retryMs: { first: 50, max: 300 } },
  });
  deps = { ...getDeps(), kube: adapter };
});
afterAll(async () => {
  await adapter.close();
});

const vsRequests = (verb: string) => kube.api.requests.count({ verb, resource: "virtualservices" });

async function startedRollout(vsName: string) {
  const created = await api.create(rolloutInput({ virtualService: vsName }));
  expect(created.status).toBe(201);
  const started = await api.act(created.body.id, { action: "start" });
  expect(started.status).toBe(200);
  return started.body as { id: string };
}

/** Polls until `check` holds; returns the milliseconds it took. */
async function within<T>(ms: number, read: () => Promise<T>, check: (value: T) => boolean): Promise<{ took: number; value: T }> {
  const started = performance.now();
  for (;;) {
    const value = await read();
    if (check(value)) return { took: performance.now() - started, value };
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const live = async (id: string): Promise<ServedTraffic> => (await readLiveTraffic(deps, { id })).live;
const fromWatch = (l: ServedTraffic) => l.freshness?.source === "watch";

describe("live traffic from the watch cache", () => {
  let rollout: { id: string };
  let vs: string;

  it("reads directly until the cache has synced, then serves 100 concurrent reads with no GET and one watch", async () => {
    vs = kube.addVirtualService({ weights: [100, 0] });
    rollout = await startedRollout(vs);
    const first = await live(rollout.id);
    expect(first).toMatchObject({ state: "ok", canaryWeight: 5, freshness: { source: "direct" } });
    expect(first.freshness?.note).toMatch(/still syncing/);
    await within(2000, () => live(rollout.id), fromWatch);

    // Before: the direct read the detail page used to make per poll.
    kube.api.requests.clear();
    const ref = { cluster: "default", namespace: "shop", name: vs };
    await Promise.all(Array.from({ length: 100 }, () => adapter.readVirtualService(ref)));
    const directGets = vsRequests("get");

    kube.api.requests.clear();
    const watchesBefore = kube.api.watches.open();
    const answers = await Promise.all(Array.from({ length: 100 }, () => live(rollout.id)));
    console.info(
      `[proof] 100 concurrent live reads: ${directGets} GETs direct, ${vsRequests("get")} GETs from the cache; open watches ${kube.api.watches.open()}`,
    );
    expect(directGets).toBe(100);
    expect(vsRequests("get")).toBe(0);
    expect(vsRequests("list")).toBe(0);
    expect(vsRequests("watch")).toBe(0);
    expect(watchesBefore).toBe(1);
    expect(kube.api.watches.open()).toBe(1);
    expect(answers.every((a) => a.state === "ok" && a.canaryWeight === 5 && a.drift === false && fromWatch(a))).toBe(true);
  });

  it("shows an outside PATCH (drift) within 2 s", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kube.kubeconfigPath);
    const outsider = kc.makeApiClient(CustomObjectsApi);
    const patched = outsider.patchNamespacedCustomObject(
      {
        group: "networking.istio.io",
        version: "v1",
        namespace: "shop",
        plural: "virtualservices",
        name: vs,
        body: { spec: virtualService({ name: vs, weights: [70, 30] }).spec },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await patched;
    const { took, value } = await within(
      2000,
      () => live(rollout.id),
      (l) => l.state === "ok" && l.canaryWeight === 30,
    );
    console.info(`[proof] outside PATCH visible in readLiveTraffic after ${took.toFixed(1)} ms`);
    expect(value).toMatchObject({
      state: "ok",
      canaryWeight: 30,
      drift: true,
      resourceVersion: kube.get(vs).metadata.resourceVersion,
      freshness: { source: "watch" },
    });
    expect(vsRequests("get")).toBe(0);
  });

  it("shows Aviary's own change at once, without drift (its patch result is served until the watch catches up)", async () => {
    const other = kube.addVirtualService({ weights: [100, 0] });
    await within(
      2000,
      () => adapter.listVirtualServicesCached({ cluster: "default", namespace: "shop" }),
      (r) => r.items.some((v) => v.name === other),
    );
    const mine = await startedRollout(other);
    expect(await live(mine.id)).toMatchObject({ state: "ok", canaryWeight: 5, drift: false });
  });

  it("serves the overview from the cache: no LIST per call once synced", async () => {
    await within(
      2000,
      () => readAllLiveTraffic(deps),
      (all) => Object.values(all).every(fromWatch),
    );
    kube.api.requests.clear();
    for (let i = 0; i < 20; i++) {
      const all = await readAllLiveTraffic(deps);
      expect(all[rollout.id]).toMatchObject({ state: "ok", canaryWeight: 30, drift: true, freshness: { source: "watch" } });
    }
    expect(vsRequests("list")).toBe(0);
    expect(vsRequests("get")).toBe(0);
  });

  it("recovers from a 410 (history compacted): relists, and still delivers later changes", async () => {
    kube.api.requests.clear();
    kube.api.watches.compact();
    await within(
      2000,
      async () => vsRequests("list"),
      (n) => n >= 1,
    );
    kube.setWeights(vs, [40, 60]);
    const { took } = await within(
      2000,
      () => live(rollout.id),
      (l) => l.state === "ok" && l.canaryWeight === 60 && fromWatch(l),
    );
    console.info(`[proof] after a 410: relisted (${vsRequests("list")} LIST), next change visible after ${took.toFixed(1)} ms`);
    expect(kube.api.watches.open()).toBe(1);
  });

  it("recovers from a cut connection by watching again from where it was (no relist)", async () => {
    kube.api.requests.clear();
    kube.api.watches.disconnect();
    kube.setWeights(vs, [45, 55]);
    await within(
      2000,
      () => live(rollout.id),
      (l) => l.state === "ok" && l.canaryWeight === 55,
    );
    await within(
      2000,
      async () => kube.api.watches.open(),
      (n) => n === 1,
    );
    expect(vsRequests("list")).toBe(0);
  });

  it("never serves a broken watch's cache silently: after a few seconds it reads directly and says so, then returns to the watch", async () => {
    kube.api.access.deny({ verbs: ["watch"] });
    kube.api.watches.disconnect();
    // Within the grace period: still the cache, with the moment it was last known current.
    const early = await live(rollout.id);
    expect(early.freshness?.source).toBe("watch");
    kube.setWeights(vs, [35, 65]);
    const { value } = await within(
      3000,
      () => live(rollout.id),
      (l) => l.freshness?.source === "direct",
    );
    expect(value).toMatchObject({ state: "ok", canaryWeight: 65 });
    expect(value.freshness?.note).toMatch(/broken since .*403/);
    kube.api.access.clearDenies();
    await within(3000, () => live(rollout.id), fromWatch);
    kube.api.requests.clear();
    await Promise.all(Array.from({ length: 20 }, () => live(rollout.id)));
    expect(vsRequests("get")).toBe(0);
  });

  it("reports a VirtualService missing from a synced cache as a state, without asking the cluster", async () => {
    const created = await api.create(rolloutInput({ virtualService: "not-there" }));
    kube.api.requests.clear();
    const result = await live(created.body.id as string);
    expect(result).toMatchObject({ state: "error", code: "TARGET_INVALID" });
    expect(result.state === "error" && result.message).toContain("not-there");
    expect(vsRequests("get")).toBe(0);
  });
});
