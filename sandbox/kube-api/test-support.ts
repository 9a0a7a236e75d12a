// Shared helpers for the test-double's own tests: start a server, build real
// client-node clients from its kubeconfig, and make raw HTTPS calls for the
// cases the client cannot express.
import { request } from "node:https";
import { ApiException, CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { startKubeApi, type KubeApi, type StartKubeApiOptions } from "./server";
import type { Status } from "./types";

export const VS = { group: "networking.istio.io", version: "v1", plural: "virtualservices" } as const;
export const DR = { group: "networking.istio.io", version: "v1", plural: "destinationrules" } as const;

export const READ_ONLY_TOKEN = "viewer-token";
export const OTHER_WRITER_TOKEN = "kubectl-edit-token";

export function checkoutVs(weights: [number, number] = [100, 0], name = "checkout") {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: { name, namespace: "shop" },
    spec: {
      hosts: [name],
      http: [
        {
          name: "primary",
          route: [
            { destination: { host: name, subset: "stable" }, weight: weights[0] },
            { destination: { host: name, subset: "canary" }, weight: weights[1] },
          ],
        },
      ],
    },
  };
}

export type Sandbox = { api: KubeApi; client: CustomObjectsApi; clientFor(token: string): CustomObjectsApi };

export async function startSandbox(options: StartKubeApiOptions = {}): Promise<Sandbox> {
  const api = await startKubeApi({
    seed: [checkoutVs()],
    tokens: {
      "admin-token": { user: "aviary", allow: "all" },
      [READ_ONLY_TOKEN]: { user: "viewer", allow: "read-only" },
      [OTHER_WRITER_TOKEN]: { user: "kubectl-user", allow: "all" },
    },
    ...options,
  });
  const kc = new KubeConfig();
  kc.loadFromFile(api.kubeconfigPath);
  const clientFor = (token: string) => {
    const other = new KubeConfig();
    other.loadFromString(api.kubeconfigFor(token, `user-${token}`));
    return other.makeApiClient(CustomObjectsApi);
  };
  return { api, client: kc.makeApiClient(CustomObjectsApi), clientFor };
}

/** Awaits a call expected to fail and returns the Status body the server sent. */
export async function apiFailure(call: Promise<unknown>, code: number): Promise<Status> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    if (err.code !== code) throw new Error(`expected HTTP ${code}, got ${err.code}: ${String(err.body)}`);
    const body: unknown = err.body;
    return (typeof body === "string" && body ? JSON.parse(body) : body) as Status;
  }
  throw new Error(`expected HTTP ${code}, but the call succeeded`);
}

export type RawResponse = { status: number; headers: Record<string, string | string[] | undefined>; body: string; json: () => unknown };

/** HTTPS request that trusts the sandbox CA (no skip-verify), for raw content-type cases. */
export function raw(
  api: KubeApi,
  method: string,
  path: string,
  opts: { token?: string | null; contentType?: string; body?: string | Buffer } = {},
): Promise<RawResponse> {
  const url = new URL(path, api.url);
  const headers: Record<string, string | number> = {};
  const token = opts.token === undefined ? api.token : opts.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.contentType) headers["Content-Type"] = opts.contentType;
  if (opts.body !== undefined) headers["Content-Length"] = Buffer.byteLength(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: api.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) as unknown });
      });
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}
