import { describe, expect, it } from "vitest";
import { formatIp, parseIp } from "./ip";
import { DEFAULT_EGRESS_POLICY, decideAddress, decideHost, parseEgressPolicy } from "./policy";

/** What `new URL(...).hostname` makes of each spelling, as the egress guard sees it. */
const hostOf = (url: string) => new URL(url).hostname;
const refusal = (url: string, policy = DEFAULT_EGRESS_POLICY) => {
  const host = hostOf(url);
  const byName = decideHost(policy, host);
  if (!byName.allowed) return byName.rule;
  const address = host.replace(/^\[|\]$/g, "");
  if (!parseIp(address)) return null; // a name: the adapter resolves it and judges each address (below)
  const decision = decideAddress(policy, host, address);
  return decision.allowed ? null : decision.rule;
};

describe("the default egress policy", () => {
  // The spellings of 127.0.0.1 that reached a local listener through the old hostname blocklist.
  it.each([
    ["http://127.0.0.1:8080/", "loopback (127.0.0.0/8)"],
    ["http://[::1]:8080/", "loopback (::1/128)"],
    ["http://[::ffff:127.0.0.1]:8080/", "loopback (127.0.0.0/8) carried in ::ffff:7f00:1"],
    ["http://[0:0:0:0:0:ffff:7f00:1]:8080/", "loopback (127.0.0.0/8) carried in ::ffff:7f00:1"],
    ["http://[::127.0.0.1]:8080/", "loopback (127.0.0.0/8) carried in ::7f00:1"],
    ["http://[64:ff9b::127.0.0.1]/", "loopback (127.0.0.0/8) carried in 64:ff9b::7f00:1"],
    ["http://2130706433:8080/", "loopback (127.0.0.0/8)"],
    ["http://0x7f000001:8080/", "loopback (127.0.0.0/8)"],
    ["http://127.1:8080/", "loopback (127.0.0.0/8)"],
    ["http://0177.0.0.1:8080/", "loopback (127.0.0.0/8)"],
    ["http://0.0.0.0:8080/", "unspecified (0.0.0.0/8)"],
    ["http://[::]:8080/", "unspecified (::/128)"],
  ])("refuses %s: %s", (url, rule) => {
    expect(refusal(url)).toBe(rule);
  });

  it.each([
    ["http://169.254.169.254/latest/meta-data/iam/security-credentials/x", "cloud metadata (169.254.169.254/32)"],
    ["http://[::ffff:169.254.169.254]/latest/meta-data/", "cloud metadata (169.254.169.254/32) carried in ::ffff:a9fe:a9fe"],
    ["http://[fd00:ec2::254]/latest/meta-data/", "cloud metadata (fd00:ec2::254/128)"],
    ["http://100.100.100.200/latest/meta-data/", "cloud metadata (100.100.100.200/32)"],
    ["http://metadata.google.internal/computeMetadata/v1/", "cloud metadata (host name metadata.google.internal)"],
    ["http://metadata.google.internal./computeMetadata/v1/", "cloud metadata (host name metadata.google.internal)"],
    ["http://METADATA/computeMetadata/v1/", "cloud metadata (host name metadata)"],
    ["http://169.254.10.1/", "link-local (169.254.0.0/16)"],
    ["http://[fe80::1]/", "link-local (fe80::/10)"],
    ["http://224.0.0.1/", "multicast (224.0.0.0/4)"],
    ["http://[ff02::1]/", "multicast (ff00::/8)"],
    ["http://255.255.255.255/", "broadcast (255.255.255.255/32)"],
  ])("refuses %s: %s", (url, rule) => {
    expect(refusal(url)).toBe(rule);
  });

  it.each([
    "http://10.0.0.7:8080/healthz",
    "http://192.168.1.20/",
    "http://172.16.0.1/",
    "http://[fd12:3456::1]/",
    "http://checkout.shop.svc.cluster.local:8080/",
  ])("allows private and in-cluster destinations: %s", (url) => expect(refusal(url)).toBeNull());

  it("judges every address a name resolves to, and the name itself", () => {
    expect(decideAddress(DEFAULT_EGRESS_POLICY, "checks.example.test", "127.0.0.1")).toEqual({ allowed: false, rule: "loopback (127.0.0.0/8)" });
    expect(decideAddress(DEFAULT_EGRESS_POLICY, "checks.example.test", "::ffff:a9fe:a9fe")).toMatchObject({ allowed: false });
    expect(decideAddress(DEFAULT_EGRESS_POLICY, "x", "not-an-address")).toEqual({ allowed: false, rule: "unreadable address not-an-address" });
  });
});

describe("AVIARY_EGRESS_ALLOW and AVIARY_EGRESS_DENY", () => {
  it("an allowed CIDR opens exactly itself, in every form that carries it", () => {
    const { policy, problems } = parseEgressPolicy({ allow: "127.0.0.1/32" });
    expect(problems).toEqual([]);
    expect(refusal("http://127.0.0.1:9/", policy)).toBeNull();
    expect(refusal("http://[::ffff:127.0.0.1]:9/", policy)).toBeNull();
    expect(refusal("http://127.0.0.2:9/", policy)).toBe("loopback (127.0.0.0/8)");
    expect(refusal("http://[::1]:9/", policy)).toBe("loopback (::1/128)");
    expect(refusal("http://169.254.169.254/", policy)).toBe("cloud metadata (169.254.169.254/32)");
  });

  it("deny wins over allow, and names the entry", () => {
    const { policy } = parseEgressPolicy({ allow: "10.0.0.0/8", deny: "10.1.0.0/16, *.payments.svc.cluster.local" });
    expect(refusal("http://10.2.3.4/", policy)).toBeNull();
    expect(refusal("http://10.1.3.4/", policy)).toBe("AVIARY_EGRESS_DENY entry 10.1.0.0/16");
    expect(refusal("http://[::ffff:10.1.3.4]/", policy)).toBe("AVIARY_EGRESS_DENY entry 10.1.0.0/16 carried in ::ffff:a01:304");
    expect(refusal("http://db.payments.svc.cluster.local./", policy)).toBe("AVIARY_EGRESS_DENY entry *.payments.svc.cluster.local");
    expect(refusal("http://payments.svc.cluster.local/", policy)).toBeNull();
  });

  it("`*` in the deny list makes the allow list an allowlist", () => {
    const { policy } = parseEgressPolicy({ allow: "*.svc.cluster.local, 10.9.0.0/16", deny: "*" });
    expect(refusal("http://checkout.shop.svc.cluster.local/", policy)).toBeNull();
    expect(refusal("http://10.9.1.1/", policy)).toBeNull();
    expect(refusal("http://hooks.example.com/", policy)).toBe("AVIARY_EGRESS_DENY entry * (only what AVIARY_EGRESS_ALLOW lists is reachable)");
    expect(refusal("http://10.8.1.1/", policy)).toBe("AVIARY_EGRESS_DENY entry * (only what AVIARY_EGRESS_ALLOW lists is reachable)");
  });

  it("names every bad entry with its variable", () => {
    const { problems } = parseEgressPolicy({ allow: "10.0.0.0/33, *, ok.example", deny: "300.1.1.1, -bad-" });
    expect(problems.map((p) => `${p.variable} ${p.entry}`)).toEqual([
      "AVIARY_EGRESS_ALLOW 10.0.0.0/33",
      "AVIARY_EGRESS_ALLOW *",
      "AVIARY_EGRESS_DENY 300.1.1.1",
      "AVIARY_EGRESS_DENY -bad-",
    ]);
  });
});

describe("addresses", () => {
  it.each([
    ["::ffff:127.0.0.1", "::ffff:7f00:1"],
    ["0:0:0:0:0:ffff:7f00:1", "::ffff:7f00:1"],
    ["fd00:ec2::254", "fd00:ec2::254"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["10.0.0.1", "10.0.0.1"],
  ])("reads %s as %s", (text, shown) => {
    expect(formatIp(parseIp(text)!)).toBe(shown);
  });

  it.each(["1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "256.0.0.1", "1.2.3", "010.0.0.1", "::ffff:1.2.3.400", "abc"])("refuses to guess at %s", (text) => {
    expect(parseIp(text)).toBeNull();
  });
});
