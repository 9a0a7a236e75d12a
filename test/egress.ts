import { configureWith } from "./config";

/**
 * Tests whose receivers listen on this machine allow exactly that, in their own configuration:
 * loopback is refused by Aviary's default egress policy (lib/domain/egress/policy.ts), and the
 * default stays as it ships. Configures the container's egress section (parsed and checked as
 * AVIARY_EGRESS_ALLOW would be); returns what restores the previous policy.
 */
export function allowLoopbackEgress(cidrs = "127.0.0.1/32"): () => void {
  return configureWith({ AVIARY_EGRESS_ALLOW: cidrs }, "egress");
}
