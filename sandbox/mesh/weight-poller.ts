// Follows the configured VirtualServices through the Kubernetes API the way a
// control plane would, but by polling: the sandbox kube API has no watch. When a
// read fails the last known weights stay in force, as Envoy keeps its last
// pushed config when istiod is unreachable, and the state is flagged stale.
import { ApiException, CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import type { ServiceConfig } from "./config";
import { readRouteWeights, type RouteWeights } from "./route-weights";

export type WeightState = {
  namespace: string;
  virtualService: string;
  /** Last weights read successfully; null until the first good read. */
  current: RouteWeights | null;
  stale: boolean;
  lastReadAt: string | null;
  error: string | null;
};

export type WeightPoller = {
  readonly states: readonly WeightState[];
  /** Polls every service once (joins a poll already in flight). */
  pollNow(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
};

const VS = { group: "networking.istio.io", version: "v1", plural: "virtualservices" } as const;

export function createWeightPoller({
  kubeconfigPath,
  services,
  intervalMs,
  log,
}: {
  kubeconfigPath: string;
  services: readonly ServiceConfig[];
  intervalMs: number;
  log: (line: string) => void;
}): WeightPoller {
  const states: WeightState[] = services.map((s) => ({
    namespace: s.namespace,
    virtualService: s.virtualService,
    current: null,
    stale: true,
    lastReadAt: null,
    error: "not read yet",
  }));
  // A hung request must not hold the weights hostage longer than a few polls.
  const timeoutMs = Math.min(Math.max(intervalMs * 2, 1_000), 5_000);
  let api: CustomObjectsApi | undefined;
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const client = () => {
    if (!api) {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath);
      api = kc.makeApiClient(CustomObjectsApi);
    }
    return api;
  };

  async function pollOne(service: ServiceConfig, state: WeightState): Promise<void> {
    const where = `${service.namespace}/${service.virtualService}`;
    try {
      let object: unknown;
      try {
        object = await withTimeout(client().getNamespacedCustomObject({ ...VS, namespace: service.namespace, name: service.virtualService }), timeoutMs);
      } catch (err) {
        // Re-read the kubeconfig next time: a restarted sandbox API writes a new one (new port, CA, token).
        api = undefined;
        throw err;
      }
      state.current = readRouteWeights({ object, service });
      if (state.stale && state.lastReadAt) log(`[sandbox mesh] ${where}: weights readable again`);
      Object.assign(state, { stale: false, error: null, lastReadAt: new Date().toISOString() });
    } catch (err) {
      const error = describeError(err);
      if (!state.stale || state.error !== error) log(`[sandbox mesh] ${where}: keeping the last known weights, read failed: ${error}`);
      Object.assign(state, { stale: true, error });
    }
  }

  const pollNow = () =>
    (inFlight ??= Promise.all(services.map((s, i) => pollOne(s, states[i]!)))
      .then(() => undefined)
      .finally(() => (inFlight = null)));

  const loop = async () => {
    const started = Date.now();
    await pollNow();
    if (running) timer = setTimeout(loop, Math.max(0, intervalMs - (Date.now() - started))).unref();
  };

  return {
    states,
    pollNow,
    start() {
      if (running) return;
      running = true;
      timer = setTimeout(loop, intervalMs).unref();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await inFlight;
    },
  };
}

function describeError(err: unknown): string {
  if (err instanceof ApiException) return `HTTP ${err.code} from the Kubernetes API`;
  const e = err as { message?: string; cause?: { code?: string } };
  const text = [e.message ?? String(err), e.cause?.code].filter(Boolean).join(" ");
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
