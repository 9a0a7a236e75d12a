import type { MeshConfigInput } from "../../sandbox/mesh/config";
import type { Destination } from "../../lib/domain/rollout";
import { DEMO_SERVICES, type DemoService } from "./demo-rollouts";

/**
 * What the sandbox cluster and mesh hold for the demo services, derived from the same
 * definitions the seed creates, so a rollout always finds its route and destinations.
 * VirtualServices start at 100% stable; the seed moves them through Aviary's own use cases.
 */

// The pods' `version` label, as Istio reports it in destination_version: "checkout-v2" -> "v2".
const versionOf = (workload: string) => workload.slice(workload.lastIndexOf("-") + 1);

export function sandboxObjects(services: readonly DemoService[] = DEMO_SERVICES): unknown[] {
  return services.flatMap(({ definition: d }) => {
    const metadata = { name: d.virtualService, namespace: d.namespace, labels: { "app.kubernetes.io/part-of": "aviary-demo" } };
    const entry = (destination: Destination, weight: number) => ({ destination: { host: destination.host, subset: destination.subset }, weight });
    const virtualService = {
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata,
      spec: {
        hosts: [d.stable.host],
        http: [{ ...(d.route && { name: d.route }), route: [entry(d.stable, 100), entry(d.canary, 0)] }],
      },
    };
    const subset = (destination: Destination, workload: string) => ({ name: destination.subset, labels: { version: versionOf(workload) } });
    const destinationRule = {
      apiVersion: "networking.istio.io/v1",
      kind: "DestinationRule",
      metadata,
      spec: { host: d.stable.host, subsets: [subset(d.stable, d.metrics.stableWorkload), subset(d.canary, d.metrics.canaryWorkload)] },
    };
    return [virtualService, destinationRule];
  });
}

export function meshConfig({ kubeconfigPath, services = DEMO_SERVICES }: { kubeconfigPath: string; services?: readonly DemoService[] }): MeshConfigInput {
  return {
    kubeconfigPath,
    // A weight change shows up in the traffic within a second, as on a real mesh.
    pollIntervalMs: 1_000,
    tickMs: 250,
    services: services.map(({ definition: d, rps, stable, canary }) => ({
      namespace: d.namespace,
      virtualService: d.virtualService,
      ...(d.route && { route: d.route }),
      rps,
      destinations: [
        { host: d.stable.host, subset: d.stable.subset, workload: d.metrics.stableWorkload, version: versionOf(d.metrics.stableWorkload), profile: stable },
        { host: d.canary.host, subset: d.canary.subset, workload: d.metrics.canaryWorkload, version: versionOf(d.metrics.canaryWorkload), profile: canary },
      ],
    })),
  };
}
