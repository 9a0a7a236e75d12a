import { describe, expect, it } from "vitest";
import { kubeBackendForFile, vsPath, type KubeBackend, type RawAnswer } from "../kube-backends";
import { uniqueName, virtualService } from "../kube";

/**
 * The sandbox double (sandbox/kube-api) against the real API server (tools/kube-apiserver), answer
 * by answer: the same requests go to both, and what each sends back (status, Status body, the
 * object's metadata) must be the same once the values that differ by nature (uids, timestamps,
 * resourceVersion numbers) are masked. The real server is right by definition; where they differed
 * the sandbox was fixed. Deliberate differences (the Istio webhook's weight rule, which the real
 * apiextensions server lacks) are not probed here; sandbox/kube-api/README.md lists them.
 */
const sandbox = kubeBackendForFile("sandbox");
const real = kubeBackendForFile("real");

type Probe = (kube: KubeBackend, name: string) => Promise<unknown>;

/** Masks what legitimately differs between two servers; keeps everything a client could branch on. */
function masked(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => masked(item));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, k)]));
  }
  if (typeof value !== "string") return value;
  if (key === "uid") return "<uid>";
  if (key === "creationTimestamp" || key === "time" || key === "deletionTimestamp") return "<time>";
  if (key === "resourceVersion") return /^\d+$/.test(value) ? "<rv>" : value;
  if (key === "continue") return value === "" ? "" : "<continue>";
  return value.replace(/\b\d{1,12}\b(?= \(\d+\))|(?<=\()\d+(?=\))/g, "<rv>");
}

const answer = (raw: RawAnswer) => ({ status: raw.status, body: masked(raw.body) });
const rv = (object: unknown) => (object as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
const weights = (stable: number, canary: number) => [
  { op: "replace", path: "/spec/http/0/route/0/weight", value: stable },
  { op: "replace", path: "/spec/http/0/route/1/weight", value: canary },
];
const JSON_PATCH = "application/json-patch+json";
const MERGE_PATCH = "application/merge-patch+json";

/** Reads a watch stream until the server ends it (timeoutSeconds) and returns its events. */
async function watchEvents(kube: KubeBackend, query: string): Promise<{ type: string; object: unknown }[]> {
  const raw = await kube.request("GET", `${vsPath()}?watch=1&${query}`);
  return raw.text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { type: string; object: unknown });
}

const probes: Record<string, Probe> = {
  "GET of a missing object: 404 NotFound": async (kube, name) => answer(await kube.request("GET", vsPath("shop", name))),

  "create: 201 and the stored object": async (kube, name) => answer(await kube.request("POST", vsPath(), { body: virtualService({ name }) })),

  "create of an existing name: 409 AlreadyExists": async (kube, name) => {
    await kube.addVirtualService({ name });
    return answer(await kube.request("POST", vsPath(), { body: virtualService({ name }) }));
  },

  "create that carries a resourceVersion": async (kube, name) => {
    const body = virtualService({ name });
    return answer(await kube.request("POST", vsPath(), { body: { ...body, metadata: { ...body.metadata, resourceVersion: "5" } } }));
  },

  "create with an invalid name: 422 Invalid": async (kube) => {
    const body = virtualService({ name: "Not_A_Name" });
    return answer(await kube.request("POST", vsPath(), { body }));
  },

  "create with a weight of the wrong type: 422 with causes": async (kube, name) => {
    const body = virtualService({ name });
    (body.spec.http[0]!.route[0] as { weight: unknown }).weight = "ninety";
    return answer(await kube.request("POST", vsPath(), { body }));
  },

  "create with a timeout that is not a duration": async (kube, name) => {
    const body = virtualService({ name });
    (body.spec.http[0] as { timeout?: string }).timeout = "soon";
    return answer(await kube.request("POST", vsPath(), { body }));
  },

  "create with labels, then a JSON patch by aviary of a label and a weight": async (kube, name) => {
    const body = { ...virtualService({ name }), metadata: { name, namespace: "shop", labels: { app: "checkout" }, annotations: { note: "x" } } };
    await kube.request("POST", `${vsPath()}?fieldManager=argocd-controller`, { body });
    const ops = [{ op: "add", path: "/metadata/labels/team", value: "payments" }, { op: "remove", path: "/metadata/annotations/note" }, ...weights(90, 10)];
    return answer(await kube.request("PATCH", `${vsPath("shop", name)}?fieldManager=aviary`, { body: ops, contentType: JSON_PATCH }));
  },

  "create with a timeout CEL refuses (< 1ms)": async (kube, name) => {
    const body = virtualService({ name });
    (body.spec.http[0] as { timeout?: string }).timeout = "0.5ms";
    return answer(await kube.request("POST", vsPath(), { body }));
  },

  "create with an unknown field: pruned, with a warning": async (kube, name) => {
    const body = virtualService({ name });
    (body.spec as Record<string, unknown>).colour = "blue";
    const raw = await kube.request("POST", vsPath(), { body });
    return { ...answer(raw), warning: raw.headers.warning };
  },

  "create with an unknown field and fieldValidation=Strict": async (kube, name) => {
    const body = virtualService({ name });
    (body.spec as Record<string, unknown>).colour = "blue";
    return answer(await kube.request("POST", `${vsPath()}?fieldValidation=Strict`, { body }));
  },

  "JSON patch adding an unknown field with fieldValidation=Strict": async (kube, name) => {
    await kube.addVirtualService({ name });
    const body = [{ op: "add", path: "/spec/colour", value: "blue" }];
    const raw = await kube.request("PATCH", `${vsPath("shop", name)}?fieldValidation=Strict`, { body, contentType: JSON_PATCH });
    // The message quotes the patched object as Go serialises it (key order, timestamps): compared by its ends.
    const status = raw.body as { message: string; details: { causes: { message: string }[] } };
    const ends = (text: string) => [text.slice(0, text.indexOf("{")), text.slice(text.lastIndexOf("}"))];
    return answer({
      ...raw,
      body: {
        ...status,
        message: ends(status.message),
        details: { causes: status.details.causes.map((cause) => ({ ...cause, message: ends(cause.message) })) },
      },
    });
  },

  "merge patch adding an unknown field with fieldValidation=Strict": async (kube, name) => {
    await kube.addVirtualService({ name });
    const body = { spec: { colour: "blue" } };
    const raw = await kube.request("PATCH", `${vsPath("shop", name)}?fieldValidation=Strict`, { body, contentType: MERGE_PATCH });
    // The message quotes the patched object as Go serialises it (key order, timestamps): compared by its ends.
    const status = raw.body as { message: string; details: { causes: { message: string }[] } };
    const ends = (text: string) => [text.slice(0, text.indexOf("{")), text.slice(text.lastIndexOf("}"))];
    return answer({
      ...raw,
      body: {
        ...status,
        message: ends(status.message),
        details: { causes: status.details.causes.map((cause) => ({ ...cause, message: ends(cause.message) })) },
      },
    });
  },

  "JSON patch whose test fails: bare 422": async (kube, name) => {
    await kube.addVirtualService({ name });
    const body = [{ op: "test", path: "/metadata/resourceVersion", value: "1" }, ...weights(90, 10)];
    return answer(await kube.request("PATCH", vsPath("shop", name), { body, contentType: JSON_PATCH }));
  },

  "JSON patch of a path that is not there: bare 422": async (kube, name) => {
    await kube.addVirtualService({ name });
    const body = [{ op: "replace", path: "/spec/http/3/route/0/weight", value: 10 }];
    return answer(await kube.request("PATCH", vsPath("shop", name), { body, contentType: JSON_PATCH }));
  },

  "JSON patch with fieldManager=aviary: managedFields name it": async (kube, name) => {
    await kube.addVirtualService({ name });
    return answer(await kube.request("PATCH", `${vsPath("shop", name)}?fieldManager=aviary`, { body: weights(90, 10), contentType: JSON_PATCH }));
  },

  "a patch that changes nothing keeps the resourceVersion": async (kube, name) => {
    const created = (await kube.request("POST", vsPath(), { body: virtualService({ name }) })).body;
    const raw = await kube.request("PATCH", `${vsPath("shop", name)}?fieldManager=aviary`, { body: weights(100, 0), contentType: JSON_PATCH });
    return { ...answer(raw), sameResourceVersion: rv(raw.body) === rv(created) };
  },

  "merge patch with a stale resourceVersion: 409 Conflict": async (kube, name) => {
    const created = await kube.create(virtualService({ name }));
    await kube.setWeights(name, [80, 20]);
    const body = { metadata: { resourceVersion: rv(created) }, spec: { hosts: ["other"] } };
    return answer(await kube.request("PATCH", vsPath("shop", name), { body, contentType: MERGE_PATCH }));
  },

  "strategic merge patch: 415": async (kube, name) => {
    await kube.addVirtualService({ name });
    return answer(await kube.request("PATCH", vsPath("shop", name), { body: { spec: {} }, contentType: "application/strategic-merge-patch+json" }));
  },

  "PUT with a stale resourceVersion: 409 Conflict": async (kube, name) => {
    const created = await kube.create(virtualService({ name }));
    await kube.setWeights(name, [80, 20]);
    return answer(await kube.request("PUT", vsPath("shop", name), { body: created }));
  },

  "PUT without a resourceVersion": async (kube, name) => {
    const { metadata, ...rest } = await kube.create(virtualService({ name }));
    const { resourceVersion: _rv, ...withoutVersion } = metadata;
    return answer(await kube.request("PUT", vsPath("shop", name), { body: { ...rest, metadata: withoutVersion } }));
  },

  "PUT of a missing object": async (kube, name) => {
    return answer(
      await kube.request("PUT", vsPath("shop", name), { body: { ...virtualService({ name }), metadata: { name, namespace: "shop", resourceVersion: "1" } } }),
    );
  },

  DELETE: async (kube, name) => {
    await kube.addVirtualService({ name });
    return answer(await kube.request("DELETE", vsPath("shop", name)));
  },

  "DELETE of a missing object": async (kube, name) => answer(await kube.request("DELETE", vsPath("shop", name))),

  "patch by a read-only user: 403": async (kube, name) => {
    await kube.addVirtualService({ name });
    const raw = await kube.request("PATCH", vsPath("shop", name), { body: weights(90, 10), contentType: JSON_PATCH, token: kube.readOnlyToken });
    // tools/kube-apiserver's stand-in for RBAC appends its reason; RBAC itself gives none.
    const body = raw.body as { message: string };
    return answer({ ...raw, body: { ...body, message: body.message.replace(/: group "aviary:read-only" may only get, list, watch$/, "") } });
  },

  "list without limit": async (kube) => {
    const namespace = uniqueName("list");
    await kube.create(virtualService({ name: "only", namespace }));
    const raw = await kube.request("GET", vsPath(namespace));
    const { items, ...rest } = raw.body as { items: unknown[] };
    return { status: raw.status, list: masked(rest), count: items.length };
  },

  "a request with an unknown token: 401": async (kube, name) => answer(await kube.request("GET", vsPath("shop", name), { token: "not-a-token" })),

  "dryRun=All create is not stored": async (kube, name) => {
    const dry = await kube.request("POST", `${vsPath()}?dryRun=All`, { body: virtualService({ name }) });
    return { ...answer(dry), afterwards: (await kube.request("GET", vsPath("shop", name))).status };
  },

  "list with limit and continue": async (kube) => {
    const namespace = uniqueName("page");
    for (const name of ["a", "b", "c"]) await kube.create(virtualService({ name, namespace }));
    const first = await kube.request("GET", `${vsPath(namespace)}?limit=2`);
    const token = (first.body as { metadata: { continue?: string } }).metadata.continue ?? "";
    const second = await kube.request("GET", `${vsPath(namespace)}?limit=2&continue=${encodeURIComponent(token)}`);
    const names = (raw: RawAnswer) => (raw.body as { items: { metadata: { name: string } }[] }).items.map((item) => item.metadata.name);
    return {
      first: { status: first.status, names: names(first), metadata: masked((first.body as { metadata: unknown }).metadata) },
      second: { status: second.status, names: names(second), metadata: masked((second.body as { metadata: unknown }).metadata) },
      // The detail after the prefix is Go's JSON decoder's own wording.
      badToken: await kube.request("GET", `${vsPath(namespace)}?limit=2&continue=bm90LWEtdG9rZW4`).then(({ status, body }) => {
        const { message, ...rest } = body as { message: string };
        return { status, ...rest, message: message.startsWith("invalid continue token: continue key is not valid: ") };
      }),
    };
  },

  "watch: events of a create, a patch and a delete, from a resourceVersion": async (kube, name) => {
    const from = rv((await kube.request("GET", vsPath())).body);
    await kube.addVirtualService({ name });
    await kube.setWeights(name, [60, 40]);
    await kube.request("DELETE", vsPath("shop", name));
    const events = await watchEvents(kube, `resourceVersion=${from}&timeoutSeconds=1&fieldSelector=metadata.name%3D${name}`);
    return events.map((event) => ({ type: event.type, weights: (masked(event.object) as { spec?: unknown }).spec }));
  },
};

describe("the sandbox Kubernetes API answers as the real API server does", () => {
  it.each(Object.keys(probes))("%s", async (title) => {
    const probe = probes[title]!;
    const name = uniqueName("contract");
    const fromReal = await probe(real, name);
    const fromSandbox = await probe(sandbox, name);
    expect(fromSandbox).toEqual(fromReal);
  });
});
