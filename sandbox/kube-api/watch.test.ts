import { request } from "node:https";
import { KubeConfig, PatchStrategy, setHeaderOptions, Watch } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutVs, raw, startSandbox, VS, type Sandbox } from "./test-support";
import type { KubeApi } from "./server";

type WatchEvent = {
  type: string;
  object: { kind?: string; code?: number; reason?: string; metadata: { name?: string; namespace?: string; resourceVersion?: string } };
};
type OpenWatch = { events: WatchEvent[]; ended: Promise<void>; until(n: number, ms?: number): Promise<WatchEvent[]>; close(): void };

/** A raw watch stream (trusting the sandbox CA), so tests see exactly the lines the server sends. */
function openWatch(api: KubeApi, path: string): OpenWatch {
  const events: WatchEvent[] = [];
  let buffer = "";
  let endedResolve = () => {};
  const ended = new Promise<void>((resolve) => (endedResolve = resolve));
  const req = request(new URL(path, api.url), { headers: { Authorization: `Bearer ${api.token}` }, ca: api.caPem }, (res) => {
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as WatchEvent);
    });
    res.on("end", endedResolve);
    res.on("close", endedResolve);
  });
  req.on("error", endedResolve);
  req.end();
  return {
    events,
    ended,
    async until(n, ms = 3000) {
      const deadline = Date.now() + ms;
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} watch events within ${ms} ms, got ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return events;
    },
    close: () => req.destroy(),
  };
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ watchHistory: 20, bookmarkIntervalMs: 50 });
});
afterAll(() => sb.api.close());

const NS_PATH = "/apis/networking.istio.io/v1/namespaces/shop/virtualservices";
const ALL_PATH = "/apis/networking.istio.io/v1/virtualservices";
const at = (name: string) => ({ ...VS, namespace: "shop", name });
const rv = () => Number(sb.api.store.resourceVersion());

describe("sandbox kube-api (test double): watch", () => {
  it("streams every write path after a resourceVersion, in order, with rising resourceVersions", async () => {
    const list = (await sb.client.listNamespacedCustomObject({ ...VS, namespace: "shop" })) as { metadata: { resourceVersion: string } };
    const w = openWatch(sb.api, `${NS_PATH}?watch=1&resourceVersion=${list.metadata.resourceVersion}`);
    await sb.client.createNamespacedCustomObject({ ...VS, namespace: "shop", body: checkoutVs([100, 0], "orders") });
    const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
    await sb.client.patchNamespacedCustomObject({ ...at("orders"), body: { spec: checkoutVs([90, 10], "orders").spec } }, merge);
    await sb.client.patchNamespacedCustomObject({
      ...at("orders"),
      body: [
        { op: "replace", path: "/spec/http/0/route/0/weight", value: 80 },
        { op: "replace", path: "/spec/http/0/route/1/weight", value: 20 },
      ],
    });
    const apply = await raw(sb.api, "PATCH", `${NS_PATH}/orders?fieldManager=test`, {
      contentType: "application/apply-patch+yaml",
      body: JSON.stringify(checkoutVs([70, 30], "orders")),
    });
    expect(apply.status).toBe(200);
    const current = (await sb.client.getNamespacedCustomObject(at("orders"))) as { metadata: { resourceVersion: string } };
    await sb.client.replaceNamespacedCustomObject({
      ...at("orders"),
      body: { ...checkoutVs([60, 40], "orders"), metadata: { name: "orders", namespace: "shop", resourceVersion: current.metadata.resourceVersion } },
    });
    const admin = await raw(sb.api, "POST", "/sandbox/objects", { contentType: "application/json", body: JSON.stringify([checkoutVs([50, 50], "orders")]) });
    expect(admin.status).toBe(200);
    sb.api.store.update("virtualservices", "shop", "orders", (o) => {
      o.metadata.labels = { edited: "by-hand" };
    });
    await sb.client.deleteNamespacedCustomObject(at("orders"));

    const events = await w.until(8);
    w.close();
    expect(events.map((e) => e.type)).toEqual(["ADDED", "MODIFIED", "MODIFIED", "MODIFIED", "MODIFIED", "MODIFIED", "MODIFIED", "DELETED"]);
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    expect(new Set(rvs).size).toBe(rvs.length);
    expect(rvs.at(-1)).toBe(rv());
    expect(events.every((e) => e.object.metadata.name === "orders")).toBe(true);
  });

  it("starts with the current objects as ADDED when no resourceVersion is given", async () => {
    const w = openWatch(sb.api, `${NS_PATH}?watch=true`);
    const [first] = await w.until(1);
    w.close();
    expect(first).toMatchObject({ type: "ADDED", object: { kind: "VirtualService", metadata: { name: "checkout", namespace: "shop" } } });
  });

  it("sends BOOKMARK events carrying the current resourceVersion when asked", async () => {
    const w = openWatch(sb.api, `${NS_PATH}?watch=1&resourceVersion=${rv()}&allowWatchBookmarks=true`);
    const events = await w.until(2);
    w.close();
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(["BOOKMARK", "BOOKMARK"]);
    expect(events[0]?.object).toMatchObject({ kind: "VirtualService", metadata: { resourceVersion: String(rv()) } });
  });

  it("answers a resourceVersion older than its history with an ERROR event of 410 Expired, and ends", async () => {
    const old = rv();
    for (let i = 0; i < 25; i++) sb.api.store.put(checkoutVs([100 - i, i]));
    const w = openWatch(sb.api, `${NS_PATH}?watch=1&resourceVersion=${old}`);
    await w.ended;
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } });
    // Within the window, the same request works.
    const recent = openWatch(sb.api, `${NS_PATH}?watch=1&resourceVersion=${rv() - 2}`);
    expect((await recent.until(2)).map((e) => e.type)).toEqual(["MODIFIED", "MODIFIED"]);
    recent.close();
  });

  it("a compaction ends open watches with 410 (the fault a watch cache must recover from)", async () => {
    const w = openWatch(sb.api, `${NS_PATH}?watch=1&resourceVersion=${rv()}`);
    await waitFor(() => sb.api.watches.open() > 0);
    const compacted = await raw(sb.api, "POST", "/sandbox/watches/compact");
    expect(compacted.status).toBe(200);
    await w.ended;
    expect(w.events.at(-1)).toMatchObject({ type: "ERROR", object: { code: 410 } });
    expect(sb.api.watches.open()).toBe(0);
  });

  it("ends the stream at timeoutSeconds without an error", async () => {
    const started = Date.now();
    const w = openWatch(sb.api, `${NS_PATH}?watch=1&resourceVersion=${rv()}&timeoutSeconds=1`);
    await w.ended;
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(2500);
    expect(w.events).toEqual([]);
  });

  it("watches all namespaces on the cluster-wide path, and one namespace on the namespaced path", async () => {
    const from = rv();
    const all = openWatch(sb.api, `${ALL_PATH}?watch=1&resourceVersion=${from}`);
    const shop = openWatch(sb.api, `${NS_PATH}?watch=1&resourceVersion=${from}`);
    sb.api.store.put({ ...checkoutVs([100, 0], "payments"), metadata: { name: "payments", namespace: "billing" } });
    sb.api.store.put(checkoutVs([90, 10]));
    const events = await all.until(2);
    await shop.until(1);
    await new Promise((r) => setTimeout(r, 50));
    all.close();
    shop.close();
    expect(events.map((e) => `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`)).toEqual([
      "ADDED billing/payments",
      "MODIFIED shop/checkout",
    ]);
    expect(shop.events.map((e) => e.object.metadata.name)).toEqual(["checkout"]);
  });

  it("is served to client-node's Watch and counted as a watch in the request log", async () => {
    sb.api.requests.clear();
    const kc = new KubeConfig();
    kc.loadFromFile(sb.api.kubeconfigPath);
    const seen: string[] = [];
    const controller = await new Watch(kc).watch(
      NS_PATH,
      { resourceVersion: rv() },
      (type, obj: { metadata: { name: string } }) => seen.push(`${type} ${obj.metadata.name}`),
      () => {},
    );
    sb.api.store.put(checkoutVs([80, 20]));
    await waitFor(() => seen.length > 0);
    controller.abort();
    expect(seen).toEqual(["MODIFIED checkout"]);
    expect(sb.api.requests.counts()).toEqual({ watch: 1 });
  });
});

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
