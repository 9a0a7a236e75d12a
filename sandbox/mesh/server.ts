// Sandbox mesh: a *test double* for Istio's data plane. It follows the weights
// of VirtualService routes in the (sandbox) Kubernetes API, simulates traffic
// split by them, and serves Istio's standard metrics for Prometheus to scrape.
// No request is ever proxied. See README.md.
import { createServer } from "node:http";
import { isIP } from "node:net";
import path from "node:path";
import { loadMeshConfigFile, parseMeshConfig, type MeshConfig, type MeshConfigInput, type Profile } from "./config";
import { handleAdmin, sendJson } from "./admin-api";
import { CONTENT_TYPE, MetricRegistry } from "./metric-registry";
import { createRandom } from "./random";
import { createSimulator, type ProfilePatch, type Simulator } from "./simulator";
import { createWeightPoller, type WeightState } from "./weight-poller";

export type StartMeshOptions = {
  /** A config object, or the path of a JSON/YAML config file. */
  config: MeshConfigInput | string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only: the admin API has no auth. */
  host?: string;
  log?: (line: string) => void;
};

export type Mesh = {
  url: string;
  metricsUrl: string;
  port: number;
  setProfile(options: { namespace: string; workload: string } & ProfilePatch): Profile;
  setRps(options: { namespace: string; virtualService: string; rps: number }): void;
  services(): ReturnType<Simulator["describe"]>;
  reset(): void;
  /** Reads the VirtualServices now instead of waiting for the next poll. */
  pollNow(): Promise<void>;
  close(): Promise<void>;
};

// After a long stall (debugger, laptop sleep) skip ahead rather than replay a burst.
const MAX_CATCH_UP_TICKS = 20;

export async function startMesh({ config: input, port = 0, host = "127.0.0.1", log = (line) => console.error(line) }: StartMeshOptions): Promise<Mesh> {
  if (!isLoopback(host)) throw new Error(`sandbox mesh binds loopback addresses only (got ${host}): its admin API has no auth`);
  const config: MeshConfig = typeof input === "string" ? loadMeshConfigFile(input) : parseMeshConfig(input);
  const registry = new MetricRegistry();
  const poller = createWeightPoller({ kubeconfigPath: path.resolve(config.kubeconfigPath), services: config.services, intervalMs: config.pollIntervalMs, log });
  const simulator = createSimulator({ config, registry, random: createRandom(config.seed), weights: poller.states });

  // Traffic starts on the weights actually in the cluster, not on a guess.
  await poller.pollNow();
  poller.start();
  const startedAt = performance.now();
  let ticks = 0;
  const ticker = setInterval(() => {
    const due = Math.floor((performance.now() - startedAt) / config.tickMs);
    ticks = Math.max(ticks, due - MAX_CATCH_UP_TICKS);
    for (; ticks < due; ticks++) simulator.tick();
  }, config.tickMs).unref();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://mesh.invalid");
    if (url.pathname === "/metrics" && (req.method === "GET" || req.method === "HEAD")) {
      syncWeightGauges({ registry, config, states: poller.states });
      const body = registry.render();
      res.writeHead(200, { "Content-Type": CONTENT_TYPE, "Content-Length": Buffer.byteLength(body) });
      return void res.end(req.method === "HEAD" ? undefined : body);
    }
    if (url.pathname.startsWith("/admin/")) return void handleAdmin({ req, res, url, simulator });
    sendJson(res, 404, { error: { code: "NOT_FOUND", message: "try GET /metrics or GET /admin/services" } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = address && typeof address === "object" ? address.port : port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`;

  return {
    url,
    metricsUrl: `${url}/metrics`,
    port: boundPort,
    setProfile: ({ namespace, workload, ...patch }) => simulator.setProfile({ namespace, workload, patch }),
    setRps: ({ namespace, virtualService, rps }) => void simulator.setRps({ namespace, virtualService, patch: { rps } }),
    services: () => simulator.describe(),
    reset: () => simulator.reset(),
    pollNow: () => poller.pollNow(),
    async close() {
      clearInterval(ticker);
      await poller.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function syncWeightGauges({ registry, config, states }: { registry: MetricRegistry; config: MeshConfig; states: readonly WeightState[] }): void {
  config.services.forEach((service, i) => {
    const state = states[i];
    if (!state) return;
    const labels = { namespace: service.namespace, virtual_service: service.virtualService };
    registry
      .gauge({ name: "sandbox_mesh_weights_stale", labels, help: "1 while the VirtualService cannot be read and the last known weights are in use." })
      .set(state.stale ? 1 : 0);
    const current = state.current;
    if (!current) return;
    service.destinations.forEach((d, j) => {
      registry
        .gauge({
          name: "sandbox_mesh_observed_weight",
          labels: { ...labels, destination_workload: d.workload },
          help: "Route weight (0-100) the mesh is applying to the destination.",
        })
        .set(current.weights[j] ?? 0);
    });
  });
}

function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}
