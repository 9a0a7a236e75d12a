// Turns the current weights and workload profiles into Istio metrics. Each tick
// draws rps × tick requests (the fractional rest carries over, so 0.5 rps still
// means one request every two seconds), routes each by weighted random choice as
// Envoy does, and records it in per-label-set aggregates only.
import { z } from "zod";
import { profileFields, profileSchema, rpsSchema, type MeshConfig, type Profile } from "./config";
import { istioLabels, resolveHost, type DestinationIdentity } from "./istio-labels";
import { MeshError, validationError } from "./mesh-error";
import { ISTIO_DURATION_BUCKETS, type Counter, type Histogram, type MetricRegistry } from "./metric-registry";
import { sampleLatencyMs, type Random } from "./random";
import type { RouteWeights } from "./route-weights";
import type { WeightState } from "./weight-poller";

export const profilePatchSchema = z.strictObject({
  errorRatio: profileFields.errorRatio.optional(),
  p50Ms: profileFields.p50Ms.optional(),
  p95Ms: profileFields.p95Ms.optional(),
});
export const rpsPatchSchema = z.strictObject({ rps: rpsSchema });

export type ProfilePatch = z.infer<typeof profilePatchSchema>;
type Recorder = { requests: Counter; duration: Histogram };
type Destination = DestinationIdentity & { key: string; host: string; series: Map<string, Recorder[]> };
type Service = { namespace: string; virtualService: string; route?: string; rps: number; carry: number; destinations: Destination[] };

export type Simulator = ReturnType<typeof createSimulator>;

export function createSimulator({
  config,
  registry,
  random,
  weights,
}: {
  config: MeshConfig;
  registry: MetricRegistry;
  random: Random;
  weights: readonly WeightState[];
}) {
  const initialProfiles = new Map<string, Profile>();
  const services: Service[] = config.services.map((s) => ({
    namespace: s.namespace,
    virtualService: s.virtualService,
    route: s.route,
    rps: s.rps,
    carry: 0,
    destinations: s.destinations.map((d) => {
      const service = resolveHost({ host: d.host, namespace: s.namespace });
      const key = `${service.namespace}/${d.workload}`;
      initialProfiles.set(key, { ...d.profile });
      return { key, host: d.host, service, workload: d.workload, version: d.version, subset: d.subset, series: new Map() };
    }),
  }));
  const profiles = new Map([...initialProfiles].map(([k, p]) => [k, { ...p }]));

  // Series appear on a destination's first request with a given code, as in Envoy.
  const recorders = (destination: Destination, responseCode: string): Recorder[] => {
    let list = destination.series.get(responseCode);
    if (!list) {
      list = config.reporters.map((reporter) => {
        const labels = istioLabels({ reporter, destination, responseCode });
        return {
          requests: registry.counter({ name: "istio_requests_total", labels }),
          duration: registry.histogram({ name: "istio_request_duration_milliseconds", labels, buckets: ISTIO_DURATION_BUCKETS }),
        };
      });
      destination.series.set(responseCode, list);
    }
    return list;
  };

  const simulateRequest = (destination: Destination) => {
    const profile = profiles.get(destination.key);
    if (!profile) return;
    const code = random() < profile.errorRatio ? "503" : "200";
    const latency = sampleLatencyMs(random, profile);
    for (const r of recorders(destination, code)) {
      r.requests.inc();
      r.duration.observe(latency);
    }
  };

  const pick = (service: Service, state: RouteWeights): Destination | undefined => {
    const total = state.weights.reduce((a, b) => a + b, 0) + state.unmatchedWeight;
    let point = random() * total;
    for (const [i, weight] of state.weights.entries()) {
      if (point < weight) return service.destinations[i];
      point -= weight;
    }
    return undefined; // routed to a destination the config does not describe
  };

  const findService = (namespace: string, virtualService: string) => {
    const service = services.find((s) => s.namespace === namespace && s.virtualService === virtualService);
    if (!service) throw new MeshError("NOT_FOUND", `no configured VirtualService ${namespace}/${virtualService}`);
    return service;
  };

  return {
    tick() {
      services.forEach((service, i) => {
        const budget = service.carry + (service.rps * config.tickMs) / 1000;
        const count = Math.floor(budget);
        service.carry = budget - count;
        const current = weights[i]?.current;
        if (!current || current.weights.every((w) => w <= 0)) return;
        for (let n = 0; n < count; n++) {
          const destination = pick(service, current);
          if (destination) simulateRequest(destination);
        }
      });
    },

    setProfile({ namespace, workload, patch }: { namespace: string; workload: string; patch: unknown }): Profile {
      const key = `${namespace}/${workload}`;
      const current = profiles.get(key);
      if (!current) throw new MeshError("NOT_FOUND", `no configured workload ${key}`);
      const parsed = profilePatchSchema.safeParse(patch);
      if (!parsed.success) throw validationError(parsed.error, "profile");
      const merged = profileSchema.safeParse({ ...current, ...parsed.data });
      if (!merged.success) throw validationError(merged.error, "profile");
      profiles.set(key, merged.data);
      return { ...merged.data };
    },

    setRps({ namespace, virtualService, patch }: { namespace: string; virtualService: string; patch: unknown }): number {
      const service = findService(namespace, virtualService);
      const parsed = rpsPatchSchema.safeParse(patch);
      if (!parsed.success) throw validationError(parsed.error, "service");
      service.rps = parsed.data.rps;
      return service.rps;
    },

    /** Restores the configured profiles and rates. Counters keep counting: a reset is not a restart. */
    reset() {
      for (const [key, profile] of initialProfiles) profiles.set(key, { ...profile });
      services.forEach((service, i) => (service.rps = config.services[i]?.rps ?? service.rps));
    },

    describe() {
      return services.map((service, i) => {
        const state = weights[i];
        return {
          namespace: service.namespace,
          virtualService: service.virtualService,
          route: service.route ?? null,
          rps: service.rps,
          weightsStale: state?.stale ?? true,
          lastReadAt: state?.lastReadAt ?? null,
          error: state?.error ?? null,
          unmatchedDestinations: state?.current?.unmatched ?? [],
          destinations: service.destinations.map((d, j) => ({
            host: d.host,
            subset: d.subset ?? null,
            workload: d.workload,
            workloadNamespace: d.service.namespace,
            version: d.version ?? d.subset ?? null,
            weight: state?.current?.weights[j] ?? null,
            profile: profiles.get(d.key) ?? null,
          })),
        };
      });
    },
  };
}
