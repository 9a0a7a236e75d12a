import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { stringify } from "yaml";
import { resetDeps } from "../lib/composition/deps";
import { startKubeApi, type KubeApi } from "../sandbox/kube-api/server";
import type { KubeObject } from "../sandbox/kube-api/types";
import { configureWith } from "./config";
import { uniqueName, virtualService, type VirtualServiceSpec } from "./kube";
import { assertLocalUrl } from "./local-only";
import { startRealKubeApi, type RealKubeApi } from "./real-kube-api";

/**
 * "A Kubernetes API" of either kind for a contract test: the sandbox double (sandbox/kube-api) or
 * the real API server (tools/kube-apiserver), one per file, behind the same surface. Everything
 * here goes over HTTPS with bearer tokens, to both, so a test reads the same answers a client
 * would. `describe.each(KUBE_BACKENDS)` runs a block against both; faults and deny rules exist
 * only in the sandbox (`backend.sandbox`), so tests that need them stay sandbox-only and say so.
 */
export const KUBE_BACKENDS = ["sandbox", "real"] as const;
export type KubeBackendKind = (typeof KUBE_BACKENDS)[number];

export type RawAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: unknown; text: string };

export type KubeBackend = {
  readonly kind: KubeBackendKind;
  /** Valid inside tests and hooks (set in beforeAll). */
  readonly url: string;
  readonly kubeconfigPath: string;
  /** A user that may do everything, and one that may only get, list and watch. */
  readonly token: string;
  readonly readOnlyToken: string;
  /** The sandbox's in-process controls (faults, deny rules, request log); undefined on the real server. */
  readonly sandbox: KubeApi | undefined;
  /** A kubeconfig for the same server with another bearer token (YAML). */
  kubeconfigWithToken(token: string): string;
  /** One HTTPS request as any client would send it; JSON bodies are parsed. */
  request(method: string, apiPath: string, options?: { body?: unknown; contentType?: string; token?: string }): Promise<RawAnswer>;
  /** Creates an object through the API (validated); returns what the server stored. */
  create(object: unknown): Promise<KubeObject>;
  /** Creates a VirtualService shaped like rolloutInput()'s target; returns its name. */
  addVirtualService(spec?: VirtualServiceSpec): Promise<string>;
  get(name: string, namespace?: string): Promise<KubeObject>;
  /** [stable, canary] of the named route, read over the API (not through Aviary). */
  weights(name: string, options?: { namespace?: string; route?: string }): Promise<[number, number]>;
  /** A write behind Aviary's back, like `kubectl edit` (GET, change, PUT as field manager "kubectl-edit"). */
  update(name: string, mutate: (object: KubeObject) => void, namespace?: string): Promise<KubeObject>;
  setWeights(name: string, weights: [number, number], options?: { namespace?: string; route?: string }): Promise<KubeObject>;
  /** Sandbox: clears faults and deny rules and waits until the listener is back. Real server: nothing to undo. */
  restore(): Promise<void>;
};

const VS_PATH = "/apis/networking.istio.io/v1";
export const vsPath = (namespace = "shop", name?: string) => `${VS_PATH}/namespaces/${namespace}/virtualservices${name ? `/${encodeURIComponent(name)}` : ""}`;

type HttpRoute = { name?: string; route?: { destination: { subset?: string }; weight?: number }[] };

type Running = { url: string; caPem: string; token: string; readOnlyToken: string; sandbox?: KubeApi; stop(): Promise<void> };

export function kubeBackendForFile(
  kind: KubeBackendKind,
  {
    seed = [],
    unvalidated = [],
  }: {
    /** Created through the API before the tests. */
    seed?: unknown[];
    /**
     * Objects the sandbox's Istio-webhook-like rules refuse (a relaxed Istio release, objects older
     * than the rule): loaded as stored data in the sandbox, created normally on the real server,
     * which has no webhook.
     */
    unvalidated?: KubeObject[];
  } = {},
): KubeBackend {
  let running: Running | undefined;
  const dir = path.resolve(".data", "test", `kube-${kind}-${process.pid}-${randomBytes(4).toString("hex")}`);
  const kubeconfigPath = path.join(dir, "kubeconfig");
  let restoreClusters: (() => void) | undefined;
  const current = () => {
    if (!running) throw new Error(`the ${kind} Kubernetes API is not running yet: use it inside tests or hooks`);
    return running;
  };

  const kubeconfigWithToken = (token: string) => {
    const { url, caPem } = current();
    return stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: `aviary-${kind}`, cluster: { server: url, "certificate-authority-data": Buffer.from(caPem).toString("base64") } }],
      users: [{ name: "test-user", user: { token } }],
      contexts: [{ name: `aviary-${kind}`, context: { cluster: `aviary-${kind}`, user: "test-user", namespace: "default" } }],
      "current-context": `aviary-${kind}`,
    });
  };

  const request: KubeBackend["request"] = (method, apiPath, { body, contentType = "application/json", token } = {}) => {
    const { url, caPem, token: admin } = current();
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const call = https.request(
        `${url}${apiPath}`,
        {
          method,
          ca: caPem,
          timeout: 10_000,
          headers: { Authorization: `Bearer ${token ?? admin}`, Accept: "application/json", ...(payload ? { "Content-Type": contentType } : {}) },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () => {
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: parsed, text });
          });
        },
      );
      call.on("timeout", () => call.destroy(new Error(`${method} ${apiPath}: timeout`)));
      call.on("error", reject);
      call.end(payload);
    });
  };

  const ok = (answer: RawAnswer, what: string): KubeObject => {
    if (answer.status >= 300) throw new Error(`${what}: HTTP ${answer.status} ${answer.text}`);
    return answer.body as KubeObject;
  };
  const create = async (object: unknown) => {
    const { metadata } = object as KubeObject;
    const plural = (object as KubeObject).kind === "DestinationRule" ? "destinationrules" : "virtualservices";
    const namespace = metadata.namespace ?? "default";
    return ok(
      await request("POST", `/apis/networking.istio.io/v1/namespaces/${namespace}/${plural}`, { body: object }),
      `creating ${namespace}/${metadata.name}`,
    );
  };
  const get = async (name: string, namespace = "shop") => ok(await request("GET", vsPath(namespace, name)), `reading VirtualService ${namespace}/${name}`);
  const update = async (name: string, mutate: (object: KubeObject) => void, namespace = "shop") => {
    const object = await get(name, namespace);
    mutate(object);
    return ok(await request("PUT", `${vsPath(namespace, name)}?fieldManager=kubectl-edit`, { body: object }), `updating VirtualService ${namespace}/${name}`);
  };
  const routeOf = (object: KubeObject, route: string): HttpRoute => {
    const found = ((object.spec as { http?: HttpRoute[] } | undefined)?.http ?? []).find((http) => http.name === route);
    if (!found) throw new Error(`VirtualService ${object.metadata.namespace}/${object.metadata.name} has no route "${route}"`);
    return found;
  };
  const weightOf = (http: HttpRoute, subset: string) => http.route?.find((entry) => entry.destination.subset === subset)?.weight ?? 0;

  beforeAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    running = kind === "real" ? await startReal(dir) : await startSandbox(dir, unvalidated);
    assertLocalUrl(`${kind} Kubernetes API`, running.url);
    await writeFile(kubeconfigPath, kubeconfigWithToken(running.token), { mode: 0o600 });
    for (const object of kind === "real" ? [...unvalidated, ...seed] : seed) await create(object);
    // getDeps() builds a new kube adapter for the new section (and closes the one built before).
    restoreClusters = configureWith({ AVIARY_CLUSTERS: JSON.stringify({ default: { kubeconfig: kubeconfigPath } }) }, "clusters");
  });

  afterAll(async () => {
    restoreClusters?.();
    resetDeps();
    await running?.stop();
    running = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  return {
    kind,
    get url() {
      return current().url;
    },
    kubeconfigPath,
    get token() {
      return current().token;
    },
    get readOnlyToken() {
      return current().readOnlyToken;
    },
    get sandbox() {
      return current().sandbox;
    },
    kubeconfigWithToken,
    request,
    create,
    async addVirtualService(spec = {}) {
      const name = spec.name ?? uniqueName();
      await create(virtualService({ ...spec, name }));
      return name;
    },
    get,
    async weights(name, { namespace = "shop", route = "primary" } = {}) {
      const http = routeOf(await get(name, namespace), route);
      return [weightOf(http, "stable"), weightOf(http, "canary")];
    },
    update,
    setWeights(name, [stable, canary], { namespace = "shop", route = "primary" } = {}) {
      return update(
        name,
        (object) => {
          for (const entry of routeOf(object, route).route ?? []) {
            if (entry.destination.subset === "stable") entry.weight = stable;
            if (entry.destination.subset === "canary") entry.weight = canary;
          }
        },
        namespace,
      );
    },
    async restore() {
      const api = current().sandbox;
      if (!api) return;
      api.faults.clear();
      api.access.clearDenies();
      for (let attempt = 0; !(await accepts(api.port)); attempt++) {
        if (attempt > 100) throw new Error(`the sandbox Kubernetes API did not listen again on port ${api.port}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function startSandbox(dir: string, unvalidated: KubeObject[]): Promise<Running> {
  const token = `admin-${randomBytes(12).toString("hex")}`;
  const readOnlyToken = `reader-${randomBytes(12).toString("hex")}`;
  let dataFile: string | undefined;
  if (unvalidated.length > 0) {
    dataFile = path.join(dir, "objects.json");
    const items = unvalidated.map((object, index) => ({
      resource: "virtualservices",
      object: { ...object, metadata: { uid: `unvalidated-${index}`, generation: 1, ...object.metadata, resourceVersion: String(index + 1) } },
    }));
    await writeFile(dataFile, JSON.stringify({ resourceVersion: unvalidated.length, items }));
  }
  const api = await startKubeApi({
    port: 0,
    host: "127.0.0.1",
    dataFile,
    kubeconfigPath: path.join(dir, "sandbox-kubeconfig"),
    tokens: { [token]: { user: "aviary-test", allow: "all" }, [readOnlyToken]: { user: "aviary-test-reader", allow: "read-only" } },
  });
  return { url: api.url, caPem: api.caPem, token, readOnlyToken, sandbox: api, stop: () => api.close() };
}

async function startReal(dir: string): Promise<Running> {
  const api: RealKubeApi = await startRealKubeApi({ dir: path.join(dir, "real") });
  return { url: api.url, caPem: api.caPem, token: api.token, readOnlyToken: api.readOnlyToken, stop: () => api.stop() };
}
