// Shared set-up for the mesh tests: a sandbox kube API seeded with a two-way
// VirtualService, and a mesh with a fixed seed and a fast tick following it.
import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { startKubeApi, type KubeApi } from "../kube-api/server";
import type { MeshConfigInput, Profile } from "./config";
import { parsePrometheusText, sumOf, type Exposition } from "./prometheus-text";
import { startMesh, type Mesh } from "./server";

export const SEED = 20240611;
export const VS = { group: "networking.istio.io", version: "v1", plural: "virtualservices" } as const;
export const STABLE = "checkout-stable";
export const CANARY = "checkout-canary";

export function checkoutVirtualService([stable, canary]: [number, number]) {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: { name: "checkout", namespace: "shop" },
    spec: {
      hosts: ["checkout"],
      http: [
        { name: "health", match: [{ uri: { exact: "/healthz" } }], route: [{ destination: { host: "checkout", subset: "stable" } }] },
        {
          name: "primary",
          route: [
            { destination: { host: "checkout", subset: "stable" }, weight: stable },
            { destination: { host: "checkout", subset: "canary" }, weight: canary },
          ],
        },
      ],
    },
  };
}

export function meshConfig({
  kubeconfigPath,
  rps = 4000,
  tickMs = 20,
  pollIntervalMs = 100,
  stable,
  canary,
}: {
  kubeconfigPath: string;
  rps?: number;
  tickMs?: number;
  pollIntervalMs?: number;
  stable: Profile;
  canary: Profile;
}): MeshConfigInput {
  return {
    kubeconfigPath,
    seed: SEED,
    tickMs,
    pollIntervalMs,
    services: [
      {
        namespace: "shop",
        virtualService: "checkout",
        route: "primary",
        rps,
        destinations: [
          // FQDN here, short name in the VirtualService: both must resolve to the same service.
          { host: "checkout.shop.svc.cluster.local", subset: "stable", workload: STABLE, version: "v1", profile: stable },
          { host: "checkout", subset: "canary", workload: CANARY, version: "v2", profile: canary },
        ],
      },
    ],
  };
}

export type Stack = { api: KubeApi; mesh: Mesh; client: CustomObjectsApi; scrape(): Promise<Exposition>; close(): Promise<void> };

export async function startStack(options: {
  weights: [number, number];
  profiles: { stable: Profile; canary: Profile };
  rps?: number;
  pollIntervalMs?: number;
}): Promise<Stack> {
  const api = await startKubeApi({ seed: [checkoutVirtualService(options.weights)] });
  const mesh = await startMesh({
    config: meshConfig({ kubeconfigPath: api.kubeconfigPath, rps: options.rps, pollIntervalMs: options.pollIntervalMs, ...options.profiles }),
    log: () => {},
  });
  const kc = new KubeConfig();
  kc.loadFromFile(api.kubeconfigPath);
  return {
    api,
    mesh,
    client: kc.makeApiClient(CustomObjectsApi),
    scrape: () => scrape(mesh.metricsUrl),
    async close() {
      await mesh.close();
      await api.close();
    },
  };
}

export async function scrape(metricsUrl: string): Promise<Exposition> {
  const res = await fetch(metricsUrl);
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  return parsePrometheusText(await res.text());
}

/** Requests seen by the destination sidecars (one reporter, so nothing is counted twice). */
export const requestsTo = (exposition: Exposition, workload: string, match: Record<string, string> = {}) =>
  sumOf(exposition, "istio_requests_total", { reporter: "destination", destination_workload: workload, ...match });

export const errorsTo = (exposition: Exposition, workload: string) =>
  exposition.samples
    .filter(
      (s) =>
        s.name === "istio_requests_total" &&
        s.labels.reporter === "destination" &&
        s.labels.destination_workload === workload &&
        /^5\d\d$/.test(s.labels.response_code ?? ""),
    )
    .reduce((total, s) => total + s.value, 0);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every field any admin response may carry, so assertions can reach them without casts. */
export type AdminJson = {
  error: { code: string; message: string; fields: Record<string, string> };
  services: ReturnType<Mesh["services"]>;
  profile: Profile;
  namespace: string;
  virtualService: string;
  rps: number;
};

export async function adminRequest(mesh: Mesh, method: string, path: string, body?: unknown): Promise<{ status: number; json: AdminJson }> {
  const res = await fetch(`${mesh.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as AdminJson };
}
