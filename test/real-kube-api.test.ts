import { ApiException, CustomObjectsApi, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from "@kubernetes/client-node";
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName, virtualService } from "./kube";
import { startRealKubeApi, type RealKubeApi } from "./real-kube-api";

/**
 * The real Kubernetes API server (tools/kube-apiserver, built by tools/kube-apiserver/build.sh) answers
 * the calls Aviary makes with the real client-node. These are the facts sandbox/kube-api is compared with.
 * Without a build this file fails, saying how to build it: it never skips.
 */
const vs = { group: "networking.istio.io", version: "v1", plural: "virtualservices" } as const;
type Vs = ReturnType<typeof virtualService> & {
  metadata: { resourceVersion: string; uid: string; generation: number; managedFields?: { manager: string; operation: string }[] };
};
type Failure = {
  code: number;
  body?: { kind?: string; status?: string; reason?: string; message?: string; code?: number; details?: Record<string, unknown> };
  headers: Record<string, string>;
};

let api: RealKubeApi;
let client: CustomObjectsApi;
let kc: KubeConfig;

beforeAll(async () => {
  api = await startRealKubeApi();
  kc = new KubeConfig();
  kc.loadFromFile(api.kubeconfigPath);
  client = kc.makeApiClient(CustomObjectsApi);
  const rss = await api.rss();
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  console.info(
    `real kube-apiserver: etcd ready ${api.timings.etcdMs.toFixed(0)} ms, API server ready ${api.timings.apiserverMs.toFixed(0)} ms, ` +
      `CRDs Established ${api.timings.establishedMs.toFixed(0)} ms; RSS etcd ${mib(rss.etcd)}, kube-apiserver ${mib(rss.apiserver)}`,
  );
});

afterAll(async () => {
  await api?.stop();
});

async function failure(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const raw = error.body as unknown;
    const body = typeof raw === "string" ? (JSON.parse(raw) as Failure["body"]) : (raw as Failure["body"]);
    return { code: error.code, body, headers: error.headers };
  }
  throw new Error("the call succeeded; a failure was expected");
}

async function create(namespace = "shop", name = uniqueName()): Promise<Vs> {
  return (await client.createNamespacedCustomObject({ ...vs, namespace, body: virtualService({ name, namespace }) })) as Vs;
}
const get = async (name: string, namespace = "shop") => (await client.getNamespacedCustomObject({ ...vs, namespace, name })) as Vs;
const weightOps = (stable: number, canary: number) => [
  { op: "replace", path: "/spec/http/0/route/0/weight", value: stable },
  { op: "replace", path: "/spec/http/0/route/1/weight", value: canary },
];

describe("real Kubernetes API server (apiextensions-apiserver from Debian's sources)", () => {
  it("creates a VirtualService in a namespace that does not exist (no core API, no admission) and reads it back", async () => {
    const created = await create("no-such-namespace-anywhere");
    expect(created.metadata).toMatchObject({ namespace: "no-such-namespace-anywhere", generation: 1 });
    expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const read = await get(created.metadata.name, "no-such-namespace-anywhere");
    expect(read).toEqual(created);
    expect(read.spec).toEqual(virtualService({ name: created.metadata.name }).spec);
  });

  it("applies a JSON patch whose test op on resourceVersion passes", async () => {
    const created = await create();
    const patched = (await client.patchNamespacedCustomObject({
      ...vs,
      namespace: "shop",
      name: created.metadata.name,
      body: [{ op: "test", path: "/metadata/resourceVersion", value: created.metadata.resourceVersion }, ...weightOps(90, 10)],
    })) as Vs;
    expect(patched.spec.http[0]?.route.map((entry) => entry.weight)).toEqual([90, 10]);
    expect(Number(patched.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect(patched.metadata.generation).toBe(2);
  });

  it("answers a JSON patch whose test op fails with a bare 422: generic message, empty details, not 409", async () => {
    const created = await create();
    await client.patchNamespacedCustomObject({ ...vs, namespace: "shop", name: created.metadata.name, body: weightOps(80, 20) });
    const refused = await failure(
      client.patchNamespacedCustomObject({
        ...vs,
        namespace: "shop",
        name: created.metadata.name,
        body: [{ op: "test", path: "/metadata/resourceVersion", value: created.metadata.resourceVersion }, ...weightOps(50, 50)],
      }),
    );
    expect(refused.code).toBe(422);
    expect(refused.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "the server rejected our request due to an error in our request",
      reason: "Invalid",
      details: {},
      code: 422,
    });
    expect((await get(created.metadata.name)).spec.http[0]?.route.map((entry) => entry.weight)).toEqual([80, 20]);
  });

  it("answers a merge patch that carries a stale resourceVersion with 409 Conflict", async () => {
    const created = await create();
    const name = created.metadata.name;
    await client.patchNamespacedCustomObject({ ...vs, namespace: "shop", name, body: weightOps(80, 20) });
    const refused = await failure(
      client.patchNamespacedCustomObject(
        { ...vs, namespace: "shop", name, body: { metadata: { resourceVersion: created.metadata.resourceVersion }, spec: { hosts: ["other"] } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
    expect(refused.code).toBe(409);
    expect(refused.body).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "Conflict",
      code: 409,
      message: `Operation cannot be fulfilled on virtualservices.networking.istio.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      details: { name, group: "networking.istio.io", kind: "virtualservices" },
    });
  });

  it("refuses an object the CRD schema refuses with 422 Invalid and causes", async () => {
    const name = uniqueName();
    const body = virtualService({ name });
    (body.spec.http[0]!.route[0] as { weight: unknown }).weight = "ninety";
    const refused = await failure(client.createNamespacedCustomObject({ ...vs, namespace: "shop", body }));
    expect(refused.code).toBe(422);
    expect(refused.body).toMatchObject({
      kind: "Status",
      reason: "Invalid",
      code: 422,
      details: {
        name,
        group: "networking.istio.io",
        kind: "VirtualService",
      },
    });
    // The CEL rules (x-kubernetes-validations) are skipped once the schema fails, and say so.
    expect(refused.body?.details?.causes).toEqual([
      {
        reason: "FieldValueTypeInvalid",
        message: 'Invalid value: "string": spec.http[0].route[0].weight in body must be of type integer: "string"',
        field: "spec.http[0].route[0].weight",
      },
      {
        reason: "FieldValueInvalid",
        message:
          "Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
        field: "<nil>",
      },
    ]);
    expect(refused.body?.message).toBe(
      `VirtualService.networking.istio.io "${name}" is invalid: [spec.http[0].route[0].weight: Invalid value: "string": spec.http[0].route[0].weight in body must be of type integer: "string", ` +
        "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]",
    );
    expect((await failure(get(name))).code).toBe(404);
  });

  it("does not store a dryRun=All create or patch", async () => {
    const name = uniqueName();
    const dry = (await client.createNamespacedCustomObject({ ...vs, namespace: "shop", body: virtualService({ name }), dryRun: "All" })) as Vs;
    expect(dry.metadata.name).toBe(name);
    expect((await failure(get(name))).code).toBe(404);
    const created = await create("shop", name);
    const dryPatched = (await client.patchNamespacedCustomObject({ ...vs, namespace: "shop", name, body: weightOps(70, 30), dryRun: "All" })) as Vs;
    expect(dryPatched.spec.http[0]?.route.map((entry) => entry.weight)).toEqual([70, 30]);
    expect(await get(name)).toEqual(created);
  });

  it("names fieldManager=aviary in managedFields", async () => {
    const created = await create();
    const patched = (await client.patchNamespacedCustomObject({
      ...vs,
      namespace: "shop",
      name: created.metadata.name,
      body: weightOps(60, 40),
      fieldManager: "aviary",
    })) as Vs;
    const managers = (patched.metadata.managedFields ?? []).map(({ manager, operation }) => ({ manager, operation }));
    expect(managers).toContainEqual({ manager: "aviary", operation: "Update" });
  });

  it("refuses strategic merge patch with 415", async () => {
    const created = await create();
    const refused = await failure(
      client.patchNamespacedCustomObject(
        { ...vs, namespace: "shop", name: created.metadata.name, body: { spec: { hosts: ["x"] } } },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(refused.code).toBe(415);
  });

  it("delivers MODIFIED to a watch", async () => {
    const created = await create();
    const name = created.metadata.name;
    const events: { type: string; object: Vs }[] = [];
    let resolveModified: (object: Vs) => void = () => undefined;
    let rejectModified: (error: unknown) => void = () => undefined;
    const modified = new Promise<Vs>((resolve, reject) => ([resolveModified, rejectModified] = [resolve, reject]));
    const controller = await new Watch(kc).watch(
      `/apis/${vs.group}/${vs.version}/namespaces/shop/${vs.plural}`,
      { resourceVersion: created.metadata.resourceVersion, allowWatchBookmarks: true },
      (type, object: Vs) => {
        events.push({ type, object });
        if (type === "MODIFIED" && object.metadata.name === name) resolveModified(object);
      },
      (error: unknown) => rejectModified(error ?? new Error("the watch ended before MODIFIED")),
    );
    let object: Vs;
    try {
      // The watch starts from created's resourceVersion, so the MODIFIED comes even if the patch
      // reaches the server before the watch is registered.
      await client.patchNamespacedCustomObject({ ...vs, namespace: "shop", name, body: weightOps(75, 25) });
      object = await modified;
    } finally {
      controller.abort();
    }
    expect(object.spec.http[0]?.route.map((entry) => entry.weight)).toEqual([75, 25]);
    expect(events.map((event) => event.type)).not.toContain("ERROR");
  });

  it("refuses a write with the read-only token (403) and without credentials (401)", async () => {
    const created = await create();
    const as = (token: string) => {
      const config = new KubeConfig();
      config.loadFromOptions({
        clusters: [{ name: "real", server: api.url, caData: Buffer.from(api.caPem).toString("base64") }],
        users: [{ name: "u", token }],
        contexts: [{ name: "real", cluster: "real", user: "u" }],
        currentContext: "real",
      });
      return config.makeApiClient(CustomObjectsApi);
    };
    const reader = as(api.readOnlyToken);
    expect(((await reader.getNamespacedCustomObject({ ...vs, namespace: "shop", name: created.metadata.name })) as Vs).metadata.uid).toBe(created.metadata.uid);
    const forbidden = await failure(reader.patchNamespacedCustomObject({ ...vs, namespace: "shop", name: created.metadata.name, body: weightOps(50, 50) }));
    expect(forbidden.code).toBe(403);
    expect(forbidden.body).toMatchObject({ reason: "Forbidden", code: 403 });
    expect(forbidden.body?.message).toContain(
      `virtualservices.networking.istio.io "${created.metadata.name}" is forbidden: User "aviary-test-reader" cannot patch resource "virtualservices" in API group "networking.istio.io" in the namespace "shop"`,
    );
    // client-node's generated client throws a 401 without its body (ApiException<undefined>)...
    const unauthorized = await failure(as("not-a-token").getNamespacedCustomObject({ ...vs, namespace: "shop", name: created.metadata.name }));
    expect(unauthorized.code).toBe(401);
    expect(unauthorized.body).toBeUndefined();
    // ...which is a Status like every other refusal.
    const raw = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      https
        .get(
          `${api.url}/apis/${vs.group}/${vs.version}/namespaces/shop/${vs.plural}`,
          { ca: api.caPem, headers: { Authorization: "Bearer not-a-token" } },
          (response) => {
            let body = "";
            response.on("data", (chunk: Buffer) => (body += chunk.toString()));
            response.on("end", () => resolve({ status: response.statusCode, body }));
          },
        )
        .on("error", reject);
    });
    expect(raw.status).toBe(401);
    expect(JSON.parse(raw.body)).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Unauthorized",
      reason: "Unauthorized",
      code: 401,
    });
  });
});
