import { afterAll, describe, expect, it } from "vitest";
import { locateRoute, weightPatch } from "@/lib/domain/virtual-service-route";
import { createKubeAdapter, type KubeAdapter } from "@/lib/kube/virtual-services";
import { KUBE_BACKENDS, kubeBackendForFile, vsPath } from "../kube-backends";

/**
 * The adapter's watch cache (lib/kube/watch-cache.ts: client-node's ListWatch with bookmarks and a
 * server-side timeout) against both the real API server and the sandbox: it syncs, serves reads
 * without asking the server, sees outside writes and deletes, and serves Aviary's own write at once.
 * What a broken watch does (410 after a compaction, a cut connection, a 403 on watch) needs the
 * sandbox's watch faults, so it stays in test/api/live-traffic-watch.test.ts (sandbox only).
 */
const target = { route: "primary", stable: { host: "checkout", subset: "stable" }, canary: { host: "checkout", subset: "canary" } };

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

describe.each(KUBE_BACKENDS)("the watch cache against the %s API server", (backend) => {
  const kube = kubeBackendForFile(backend);
  let adapter: KubeAdapter | undefined;
  const port = () =>
    (adapter ??= createKubeAdapter({ configs: { default: { kubeconfig: kube.kubeconfigPath } }, watchCache: { retryMs: { first: 50, max: 300 } } }));
  afterAll(async () => {
    await adapter?.close();
  });
  const ref = (name: string) => ({ cluster: "default", namespace: "shop", name });
  const cached = (name: string) => port().readVirtualServiceCached(ref(name));
  let name: string;

  it("reads directly while it syncs, then serves from the watch", async () => {
    name = await kube.addVirtualService();
    const first = await cached(name);
    expect(first.freshness).toMatchObject({ source: "direct", note: expect.stringMatching(/still syncing/) });
    const { value } = await within(
      3000,
      () => cached(name),
      (read) => read.freshness.source === "watch",
    );
    expect(value.vs.resourceVersion).toBe((await kube.get(name)).metadata.resourceVersion);
  });

  it("shows an outside write within 2 s", async () => {
    const written = await kube.setWeights(name, [70, 30]);
    const { took, value } = await within(
      2000,
      () => cached(name),
      (read) => locateRoute(read.vs, target).canaryWeight === 30,
    );
    console.info(`[proof] ${backend}: an outside PUT visible in the watch cache after ${took.toFixed(1)} ms`);
    expect(value).toMatchObject({ vs: { resourceVersion: written.metadata.resourceVersion }, freshness: { source: "watch" } });
  });

  it("serves Aviary's own patch at once, before its watch event", async () => {
    const { vs } = await cached(name);
    const patched = await port().patchVirtualService({ ...ref(name), ops: weightPatch(vs, locateRoute(vs, target), 50) });
    const read = await cached(name);
    expect(read.freshness.source).toBe("watch");
    expect(read.vs.resourceVersion).toBe(patched.resourceVersion);
    expect(locateRoute(read.vs, target)).toMatchObject({ stableWeight: 50, canaryWeight: 50 });
  });

  it("sees a new object and a delete in the cached list", async () => {
    const other = await kube.addVirtualService();
    const listed = () => port().listVirtualServicesCached({ cluster: "default", namespace: "shop" });
    await within(2000, listed, (list) => list.items.some((vs) => vs.name === other));
    const answer = await kube.request("DELETE", vsPath("shop", other));
    expect(answer.status).toBe(200);
    const { value } = await within(2000, listed, (list) => !list.items.some((vs) => vs.name === other));
    expect(value.freshness.source).toBe("watch");
    expect(value.items.map((vs) => vs.name)).toContain(name);
    await expect(cached(other)).rejects.toMatchObject({ code: "TARGET_INVALID", message: expect.stringContaining("does not exist") });
  });
});
