import { afterEach, describe, expect, it } from "vitest";
import { clientAddress, duplicatedHeaders, normalizeAddress, parseTrustedProxies, peerAddress, stampRequest } from "./client-address";

const STAMPED = Symbol.for("aviary.next-server.stamps-peer");
afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[STAMPED];
});

const xff = (value?: string) => new Headers(value === undefined ? {} : { "x-forwarded-for": value });
const none = parseTrustedProxies("");

describe("clientAddress", () => {
  it("is the socket address when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(clientAddress({ headers: xff("6.6.6.6"), peer: "203.0.113.9", trusted: none })).toBe("203.0.113.9");
    expect(clientAddress({ headers: xff(), peer: "::ffff:127.0.0.1", trusted: none })).toBe("127.0.0.1");
    expect(clientAddress({ headers: xff("6.6.6.6"), peer: null, trusted: none })).toBeNull();
  });

  it("walks X-Forwarded-For from the right while the hop is a trusted proxy", () => {
    const trusted = parseTrustedProxies("10.0.0.0/8, fd00::/8");
    // client -> 10.1.1.1 -> 10.2.2.2 -> Aviary; the client prepended a forged entry.
    expect(clientAddress({ headers: xff("6.6.6.6, 198.51.100.4, 10.1.1.1"), peer: "10.2.2.2", trusted })).toBe("198.51.100.4");
    expect(clientAddress({ headers: xff("2001:db8::7, fd00::2"), peer: "fd00::1", trusted })).toBe("2001:db8::7");
    // An untrusted peer's header counts for nothing.
    expect(clientAddress({ headers: xff("10.9.9.9"), peer: "198.51.100.4", trusted })).toBe("198.51.100.4");
    // Every hop trusted: the leftmost one is as far as anyone can tell.
    expect(clientAddress({ headers: xff("10.3.3.3"), peer: "10.2.2.2", trusted })).toBe("10.3.3.3");
    expect(clientAddress({ headers: xff(), peer: "10.2.2.2", trusted })).toBe("10.2.2.2");
    // A trusted proxy that passes on garbage: the proxy is the last thing known.
    expect(clientAddress({ headers: xff("6.6.6.6, not-an-ip"), peer: "10.2.2.2", trusted })).toBe("10.2.2.2");
    expect(clientAddress({ headers: xff("[2001:db8::5]:4711"), peer: "10.2.2.2", trusted })).toBe("2001:db8::5");
    expect(clientAddress({ headers: xff("198.51.100.4:80"), peer: "10.2.2.2", trusted })).toBe("198.51.100.4");
  });
});

describe("parseTrustedProxies", () => {
  it("takes IPv4 and IPv6 addresses and ranges", () => {
    const trusted = parseTrustedProxies(" 192.168.1.7 ,172.16.0.0/12,::1, 2001:db8::/32 ");
    expect(trusted.text).toBe("192.168.1.7,172.16.0.0/12,::1,2001:db8::/32");
    for (const [peer, expected] of [
      ["192.168.1.7", "1.2.3.4"],
      ["192.168.1.8", "192.168.1.8"],
      ["172.31.255.1", "1.2.3.4"],
      ["::1", "1.2.3.4"],
      ["2001:db8:1::1", "1.2.3.4"],
      ["2001:db9::1", "2001:db9::1"],
    ] as [string, string][]) {
      expect(clientAddress({ headers: xff("1.2.3.4"), peer, trusted }), peer).toBe(expected);
    }
  });

  it("refuses what is not an address or range, naming the entry", () => {
    for (const bad of ["10.0.0.0/33", "fd00::/129", "10.0.0/8", "proxy.internal", "10.0.0.0/8/1", "10.0.0.0/", "::1/x"]) {
      expect(() => parseTrustedProxies(`127.0.0.1,${bad}`), bad).toThrow(`"${bad}" is not an IPv4 or IPv6 address or CIDR range`);
    }
  });
});

describe("normalizeAddress", () => {
  it("unwraps IPv4-mapped IPv6, brackets and ports, and refuses the rest", () => {
    expect(normalizeAddress("::FFFF:10.0.0.1")).toBe("10.0.0.1");
    expect(normalizeAddress("[::1]")).toBe("::1");
    expect(normalizeAddress("unknown")).toBeNull();
    expect(normalizeAddress("")).toBeNull();
  });
});

describe("stampRequest and peerAddress", () => {
  it("trusts the peer header only in a process started by scripts/next-server.ts, which overwrites it", () => {
    expect(peerAddress(new Headers({ "x-aviary-peer": "6.6.6.6" }))).toBeNull();
    const request = {
      headers: { "x-aviary-peer": "6.6.6.6", "x-aviary-duplicate-headers": "nothing", "x-forwarded-user": "mallory, vera" } as Record<
        string,
        string | string[] | undefined
      >,
      rawHeaders: ["X-Aviary-Peer", "6.6.6.6", "X-Forwarded-User", "mallory", "x-forwarded-user", "vera", "Host", "a"],
      socket: { remoteAddress: "::ffff:192.0.2.1" },
    };
    stampRequest(request);
    const headers = new Headers(request.headers as Record<string, string>);
    expect(peerAddress(headers)).toBe("192.0.2.1");
    expect([...duplicatedHeaders(headers)]).toEqual(["x-forwarded-user"]);
  });
});
