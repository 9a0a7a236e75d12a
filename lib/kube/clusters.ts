import os from "node:os";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { z } from "zod";
import { AppError } from "../app-error";
import { configurationError, problemsOf, processEnv, type Env } from "../env";

/**
 * Which clusters Aviary can drive, by name. A rollout names its cluster ("default" unless set).
 *   AVIARY_CLUSTERS='{"default": {"kubeconfig": "/etc/aviary/kubeconfig", "context": "prod"},
 *                     "eu": {"inCluster": true}}'
 * Unset: "default" is the in-cluster service account when running in a pod, else the kubeconfig
 * from KUBECONFIG or ~/.kube/config (its current context).
 */
const clusterSchema = z.union([
  z.strictObject({ kubeconfig: z.string().min(1), context: z.string().min(1).optional() }),
  z.strictObject({ inCluster: z.literal(true) }),
]);
const clustersSchema = z.record(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: "cluster names are DNS-1123 labels" }), clusterSchema);

export type ClusterConfigs = z.infer<typeof clustersSchema>;

export function parseClusterConfigs(env: Env = processEnv()): ClusterConfigs {
  const raw = env.AVIARY_CLUSTERS;
  if (!raw) {
    if (env.KUBERNETES_SERVICE_HOST) return { default: { inCluster: true } };
    const file = env.KUBECONFIG?.split(path.delimiter)[0] || path.join(os.homedir(), ".kube", "config");
    return { default: { kubeconfig: file } };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw configurationError([{ variable: "AVIARY_CLUSTERS", message: `is not valid JSON: ${(error as Error).message}` }]);
  }
  const result = clustersSchema.safeParse(parsed);
  if (!result.success) throw configurationError(problemsOf(result.error.issues, "AVIARY_CLUSTERS"));
  return result.data;
}

export function kubeConfigFor(configs: ClusterConfigs, cluster: string): KubeConfig {
  const config = configs[cluster];
  if (!config) {
    const known = Object.keys(configs).join(", ") || "none";
    throw new AppError("TARGET_INVALID", `cluster "${cluster}" is not configured in Aviary (configured: ${known}); see AVIARY_CLUSTERS`);
  }
  const kc = new KubeConfig();
  try {
    if ("inCluster" in config) {
      kc.loadFromCluster();
    } else {
      kc.loadFromFile(config.kubeconfig);
      if (config.context) kc.setCurrentContext(config.context);
    }
  } catch (error) {
    throw new AppError("KUBE_UNAVAILABLE", `cluster "${cluster}": cannot load its credentials (${(error as Error).message})`);
  }
  return kc;
}
