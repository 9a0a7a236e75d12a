/**
 * Tests whose receivers listen on this machine allow exactly that, in their own configuration:
 * loopback is refused by Aviary's default egress policy (lib/domain/egress/policy.ts), and the
 * default stays as it ships. Call before the first getDeps() that sends anything (the policy is
 * read again whenever these variables change).
 */
export function allowLoopbackEgress(cidrs = "127.0.0.1/32"): void {
  process.env.AVIARY_EGRESS_ALLOW = cidrs;
}
