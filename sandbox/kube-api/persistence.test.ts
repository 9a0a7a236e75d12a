import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkoutVs, startSandbox, VS } from "./test-support";

const dir = mkdtempSync(path.join(os.tmpdir(), "aviary-kube-api-data-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Obj = { metadata: { resourceVersion: string; uid: string }; spec: { http: { route: { weight: number }[] }[] } };

describe("sandbox kube-api (test double): dataFile persistence", () => {
  it("keeps objects and the resourceVersion counter across restarts; the seed does not overwrite them", async () => {
    const dataFile = path.join(dir, "state.json");
    const at = { ...VS, namespace: "shop", name: "checkout" };
    const first = await startSandbox({ dataFile });
    const patched = (await first.client.patchNamespacedCustomObject({
      ...at,
      body: [
        { op: "replace", path: "/spec/http/0/route/0/weight", value: 70 },
        { op: "replace", path: "/spec/http/0/route/1/weight", value: 30 },
      ],
    })) as Obj;
    await first.api.close();

    const second = await startSandbox({ dataFile, seed: [checkoutVs()] });
    const again = (await second.client.getNamespacedCustomObject(at)) as Obj;
    expect(again.metadata).toMatchObject({ uid: patched.metadata.uid, resourceVersion: patched.metadata.resourceVersion });
    expect(again.spec.http[0]?.route.map((r) => r.weight)).toEqual([70, 30]);
    const created = (await second.client.createNamespacedCustomObject({ ...VS, namespace: "shop", body: checkoutVs([100, 0], "next") })) as Obj;
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(Number(patched.metadata.resourceVersion));
    await second.api.close();
  });

  it("lets tests act as an external writer through the in-process store", async () => {
    const sb = await startSandbox();
    const before = sb.api.store.get("virtualservices", "shop", "checkout");
    const after = sb.api.store.update("virtualservices", "shop", "checkout", (vs) => {
      vs.metadata.labels = { edited: "by-hand" };
    });
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before?.metadata.resourceVersion));
    expect(() =>
      sb.api.store.update("virtualservices", "shop", "checkout", (vs) => {
        (vs as unknown as Obj).spec.http[0]?.route.forEach((r) => (r.weight = 10));
      }),
    ).toThrow(/total destination weight = 20 != 100/);
    await sb.api.close();
  });
});
