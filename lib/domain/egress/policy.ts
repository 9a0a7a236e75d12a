import { embeddedV4, formatIp, inCidr, parseCidr, parseIp, type Cidr, type Ip } from "./ip";

/**
 * Where Aviary may send requests on someone's behalf (approval checks, webhooks, Slack): the one
 * egress policy. Pure: the adapter (lib/outbound/egress-request.ts) resolves the name, asks this
 * about the name and every address, and connects only to an address this allowed.
 *
 * Order, first match wins, for the host name and then each address it resolves to:
 *  1. AVIARY_EGRESS_DENY: a host pattern or CIDR listed there is refused.
 *  2. AVIARY_EGRESS_ALLOW CIDRs: an address listed there is allowed, built-in rules included
 *     (tests allow 127.0.0.1/32 for their local receivers this way, in their own configuration).
 *  3. The built-in rules: loopback, unspecified, link-local, cloud metadata, multicast, broadcast
 *     and reserved addresses, also when an IPv6 address carries one of them (IPv4-mapped,
 *     IPv4-compatible, NAT64), and the metadata services' host names.
 *  4. `*` in AVIARY_EGRESS_DENY refuses everything else, unless the host matches an
 *     AVIARY_EGRESS_ALLOW host pattern (an allowlist).
 *  5. Otherwise allowed: private ranges are where in-cluster health checks live.
 */

export type HostPattern = { text: string; test: (host: string) => boolean };
export type EgressPolicy = {
  allow: { cidrs: Cidr[]; hosts: HostPattern[] };
  deny: { cidrs: Cidr[]; hosts: HostPattern[]; everything: boolean };
};
export type EgressDecision = { allowed: true } | { allowed: false; rule: string };

type BuiltInRule = { name: string; cidrs: string[] };

/** Most specific first, so the refusal names cloud metadata rather than link-local for 169.254.169.254. */
export const BUILT_IN_RULES: readonly BuiltInRule[] = [
  // AWS, GCP, Azure, OpenStack, Oracle (169.254.169.254); AWS over IPv6; Alibaba; Azure's WireServer.
  { name: "cloud metadata", cidrs: ["169.254.169.254/32", "fd00:ec2::254/128", "100.100.100.200/32", "168.63.129.16/32"] },
  { name: "loopback", cidrs: ["127.0.0.0/8", "::1/128"] },
  { name: "unspecified", cidrs: ["0.0.0.0/8", "::/128"] },
  { name: "link-local", cidrs: ["169.254.0.0/16", "fe80::/10"] },
  { name: "multicast", cidrs: ["224.0.0.0/4", "ff00::/8"] },
  { name: "broadcast", cidrs: ["255.255.255.255/32"] },
  { name: "reserved", cidrs: ["240.0.0.0/4", "fec0::/10"] },
];
const BUILT_IN = BUILT_IN_RULES.map((rule) => ({ name: rule.name, cidrs: rule.cidrs.map((text) => parseCidr(text)!) }));

/** Names that reach a metadata service whatever DNS says (GCP answers `metadata` inside its VMs). */
export const METADATA_HOSTS: readonly string[] = ["metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"];

/** Lower case, without the trailing dot that makes `metadata.google.internal.` the same name. */
export function normalizeHost(host: string): string {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return bare.toLowerCase().replace(/\.+$/, "");
}

const HOST_PATTERN = /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

function parseHostPattern(text: string): HostPattern | null {
  const pattern = normalizeHost(text);
  if (!HOST_PATTERN.test(pattern)) return null;
  if (pattern.startsWith("*.")) {
    const suffix = pattern.slice(1);
    return { text, test: (host) => host.endsWith(suffix) && host.length > suffix.length };
  }
  return { text, test: (host) => host === pattern };
}

export type PolicyInput = { allow?: string | undefined; deny?: string | undefined };
export type PolicyProblem = { variable: "AVIARY_EGRESS_ALLOW" | "AVIARY_EGRESS_DENY"; entry: string; message: string };

function parseList(text: string | undefined, variable: PolicyProblem["variable"], problems: PolicyProblem[]) {
  const cidrs: Cidr[] = [];
  const hosts: HostPattern[] = [];
  let everything = false;
  for (const raw of (text ?? "").split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry === "*") {
      if (variable === "AVIARY_EGRESS_DENY") everything = true;
      else problems.push({ variable, entry, message: "`*` would allow every address, built-in refusals included; list CIDRs or host patterns" });
      continue;
    }
    const looksLikeAddress = /^[\d.:/[\]a-f]+$/i.test(entry) && (entry.includes("/") || entry.includes(":") || /^\d/.test(entry));
    const cidr = looksLikeAddress ? parseCidr(entry) : null;
    if (cidr) cidrs.push(cidr);
    else if (!looksLikeAddress && parseHostPattern(entry)) hosts.push(parseHostPattern(entry)!);
    else
      problems.push({
        variable,
        entry,
        message: looksLikeAddress
          ? "not an IPv4/IPv6 address or CIDR range (e.g. 10.0.0.0/8, fd00::/8, 127.0.0.1/32)"
          : "not a host name or pattern (e.g. checks.internal, *.svc.cluster.local)",
      });
  }
  return { cidrs, hosts, everything };
}

/** The policy from AVIARY_EGRESS_ALLOW and AVIARY_EGRESS_DENY (comma-separated), or every problem with its variable and entry. */
export function parseEgressPolicy(input: PolicyInput): { policy: EgressPolicy; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const allow = parseList(input.allow, "AVIARY_EGRESS_ALLOW", problems);
  const deny = parseList(input.deny, "AVIARY_EGRESS_DENY", problems);
  return { policy: { allow: { cidrs: allow.cidrs, hosts: allow.hosts }, deny }, problems };
}

export const DEFAULT_EGRESS_POLICY: EgressPolicy = parseEgressPolicy({}).policy;

function builtInRuleOf(ip: Ip): string | null {
  for (const rule of BUILT_IN) {
    const cidr = rule.cidrs.find((c) => inCidr(ip, c));
    if (cidr) return `${rule.name} (${cidr.text})`;
  }
  return null;
}

/** Whether a request to `host` may go out at all, before resolving it. */
export function decideHost(policy: EgressPolicy, host: string): EgressDecision {
  const name = normalizeHost(host);
  const denied = policy.deny.hosts.find((pattern) => pattern.test(name));
  if (denied) return { allowed: false, rule: `AVIARY_EGRESS_DENY entry ${denied.text}` };
  if (parseIp(name)) return { allowed: true }; // a literal address: decided by decideAddress
  if (METADATA_HOSTS.includes(name)) return { allowed: false, rule: `cloud metadata (host name ${name})` };
  if (policy.deny.everything && !policy.allow.hosts.some((pattern) => pattern.test(name)))
    return { allowed: false, rule: "AVIARY_EGRESS_DENY entry * (only what AVIARY_EGRESS_ALLOW lists is reachable)" };
  return { allowed: true };
}

/** Whether Aviary may connect to `address` for `host` (the name the address came from, or the literal itself). */
export function decideAddress(policy: EgressPolicy, host: string, address: string): EgressDecision {
  const ip = parseIp(address);
  if (!ip) return { allowed: false, rule: `unreadable address ${address}` };
  const carried = embeddedV4(ip);
  const forms = carried ? [ip, carried] : [ip];
  const via = (form: Ip) => (form === ip ? "" : ` carried in ${formatIp(ip)}`);
  for (const form of forms) {
    const denied = policy.deny.cidrs.find((c) => inCidr(form, c));
    if (denied) return { allowed: false, rule: `AVIARY_EGRESS_DENY entry ${denied.text}${via(form)}` };
  }
  if (forms.some((form) => policy.allow.cidrs.some((c) => inCidr(form, c)))) return { allowed: true };
  for (const form of forms) {
    const rule = builtInRuleOf(form);
    if (rule) return { allowed: false, rule: `${rule}${via(form)}` };
  }
  if (policy.deny.everything && !policy.allow.hosts.some((pattern) => pattern.test(normalizeHost(host))))
    return { allowed: false, rule: "AVIARY_EGRESS_DENY entry * (only what AVIARY_EGRESS_ALLOW lists is reachable)" };
  return { allowed: true };
}

/** The policy in words, for the settings page. */
export function describeEgressPolicy(policy: EgressPolicy) {
  return {
    builtIn: BUILT_IN_RULES.map((rule) => ({ name: rule.name, ranges: [...rule.cidrs] })),
    metadataHosts: [...METADATA_HOSTS],
    allow: [...policy.allow.cidrs.map((c) => c.text), ...policy.allow.hosts.map((h) => h.text)],
    deny: [...(policy.deny.everything ? ["*"] : []), ...policy.deny.cidrs.map((c) => c.text), ...policy.deny.hosts.map((h) => h.text)],
  };
}

/**
 * What can be told of a URL without resolving it: its host name's rules and, for a literal
 * address, the address's. Early feedback when a rollout is defined; the guard decides again,
 * fully, at every request.
 */
export function refusalWithoutResolving(policy: EgressPolicy, url: string): string | null {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return null;
  }
  const byName = decideHost(policy, host);
  if (!byName.allowed) return byName.rule;
  const address = normalizeHost(host);
  if (!parseIp(address)) return null;
  const decision = decideAddress(policy, host, address);
  return decision.allowed ? null : decision.rule;
}
