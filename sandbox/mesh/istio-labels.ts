// Istio's standard metric labels, with the values a sidecar would report for
// traffic from the ingress gateway to a workload. Aviary's PromQL is written
// against these, so the names must be exactly Istio's: a renamed label would
// make the double agree with Aviary while a real mesh does not.
import type { Labels } from "./metric-registry";

export const ISTIO_LABEL_NAMES = [
  "connection_security_policy",
  "destination_app",
  "destination_canonical_revision",
  "destination_canonical_service",
  "destination_cluster",
  "destination_principal",
  "destination_service",
  "destination_service_name",
  "destination_service_namespace",
  "destination_version",
  "destination_workload",
  "destination_workload_namespace",
  "grpc_response_status",
  "reporter",
  "request_protocol",
  "response_code",
  "response_flags",
  "source_app",
  "source_canonical_revision",
  "source_canonical_service",
  "source_cluster",
  "source_principal",
  "source_version",
  "source_workload",
  "source_workload_namespace",
] as const;

export type ResolvedHost = { fqdn: string; name: string; namespace: string };

/**
 * Istio expands a short host (no dots) in the VirtualService's namespace; a
 * `name.ns.svc.cluster.local` host names its own namespace. Anything else is taken as is.
 */
export function resolveHost({ host, namespace }: { host: string; namespace: string }): ResolvedHost {
  if (!host.includes(".")) return { fqdn: `${host}.${namespace}.svc.cluster.local`, name: host, namespace };
  const [name = host, ns = namespace] = host.split(".");
  if (host.endsWith(".svc.cluster.local")) return { fqdn: host, name, namespace: ns };
  return { fqdn: host, name, namespace };
}

export type DestinationIdentity = {
  service: ResolvedHost;
  workload: string;
  /** The pod's `version` label; Istio reports "unknown" without one. */
  version?: string;
  subset?: string;
};

const CLUSTER = "Kubernetes";
const GATEWAY = {
  source_workload: "istio-ingressgateway",
  source_workload_namespace: "istio-system",
  source_principal: "spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account",
  source_app: "istio-ingressgateway",
  source_version: "unknown",
  source_canonical_service: "istio-ingressgateway",
  source_canonical_revision: "latest",
  source_cluster: CLUSTER,
};

/** Labels of one series, except response_code (filled per request outcome). */
export function istioLabels({
  reporter,
  destination,
  responseCode,
}: {
  reporter: "destination" | "source";
  destination: DestinationIdentity;
  responseCode: string;
}): Labels {
  const { service, workload } = destination;
  const version = destination.version ?? destination.subset;
  const labels: Record<(typeof ISTIO_LABEL_NAMES)[number], string> = {
    reporter,
    ...GATEWAY,
    destination_workload: workload,
    destination_workload_namespace: service.namespace,
    destination_principal: `spiffe://cluster.local/ns/${service.namespace}/sa/default`,
    // Stable and canary Deployments share the app label, so both map to the service's name.
    destination_app: service.name,
    destination_version: version ?? "unknown",
    destination_service: service.fqdn,
    destination_service_name: service.name,
    destination_service_namespace: service.namespace,
    destination_canonical_service: service.name,
    destination_canonical_revision: version ?? "latest",
    destination_cluster: CLUSTER,
    request_protocol: "http",
    response_code: responseCode,
    grpc_response_status: "",
    response_flags: "-",
    // Only the server-side proxy knows the peer authentication outcome.
    connection_security_policy: reporter === "destination" ? "mutual_tls" : "unknown",
  };
  return labels;
}
