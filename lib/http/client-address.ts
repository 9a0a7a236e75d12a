import { BlockList, isIP } from "node:net";

/**
 * Who is on the other end of a request, for the audit log. X-Forwarded-For is a claim anyone can
 * make, so it counts only hop by hop from the socket: while the address that handed us the
 * request is a trusted proxy (AVIARY_TRUSTED_PROXIES), step one entry left in X-Forwarded-For;
 * the first address that is not trusted is the client. With no proxies configured the socket
 * address is the client, whatever the headers say.
 *
 * Next.js does not show route handlers the socket, and `next start` keeps a client-sent
 * X-Forwarded-For (it only fills the header in when it is absent), so the socket address comes
 * from scripts/next-server.ts, which overwrites PEER_HEADER on every request and marks the
 * process. Without that mark (plain `next start`, tests) the peer is unknown and the address null:
 * an honest blank beats a forged entry in the audit log.
 */
export const PEER_HEADER = "x-aviary-peer";
/** Names of headers the client sent more than once (lower case, comma-separated), stamped by the same server. */
export const DUPLICATES_HEADER = "x-aviary-duplicate-headers";
const STAMPED = Symbol.for("aviary.next-server.stamps-peer");

export type TrustedProxies = { readonly list: BlockList; readonly text: string };

export const NO_TRUSTED_PROXIES: TrustedProxies = { list: new BlockList(), text: "" };

/** Parses AVIARY_TRUSTED_PROXIES ("10.0.0.0/8, 192.168.1.7, fd00::/8"); throws naming the bad entry. */
export function parseTrustedProxies(text: string | undefined): TrustedProxies {
  const list = new BlockList();
  const entries = (text ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address = "", prefix, extra] = entry.split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (!family || extra !== undefined || !(bits >= 0 && bits <= (family === 6 ? 128 : 32))) {
      throw new Error(`"${entry}" is not an IPv4 or IPv6 address or CIDR range (examples: 10.0.0.0/8, 192.168.1.7, fd00::/8)`);
    }
    list.addSubnet(address, bits, family === 6 ? "ipv6" : "ipv4");
  }
  return { list, text: entries.join(",") };
}

/** "::ffff:10.1.2.3" (a dual-stack socket) -> "10.1.2.3"; "[::1]:443" or "1.2.3.4:80" -> the address; garbage -> null. */
export function normalizeAddress(raw: string | null | undefined): string | null {
  let value = raw?.trim().toLowerCase() ?? "";
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(value);
  if (mapped) value = mapped[1]!;
  return isIP(value) ? value : null;
}

function isTrusted(address: string, trusted: TrustedProxies): boolean {
  return trusted.list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/** The client's address: pure, given the socket's peer address (null when unknown). */
export function clientAddress({ headers, peer, trusted }: { headers: Headers; peer: string | null; trusted: TrustedProxies }): string | null {
  let current = normalizeAddress(peer);
  if (!current) return null;
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  while (isTrusted(current, trusted)) {
    const hop = hops.pop();
    if (hop === undefined) return current;
    const next = normalizeAddress(hop);
    // A trusted proxy passed on something that is not an address: the proxy is all we know.
    if (!next) return current;
    current = next;
  }
  return current;
}

/** The socket address as stamped by scripts/next-server.ts, or null when this process was not started by it. */
export function peerAddress(headers: Headers): string | null {
  return (globalThis as Record<symbol, unknown>)[STAMPED] === true ? normalizeAddress(headers.get(PEER_HEADER)) : null;
}

/** Header names the client sent more than once, when known (see DUPLICATES_HEADER). */
export function duplicatedHeaders(headers: Headers): Set<string> {
  if ((globalThis as Record<symbol, unknown>)[STAMPED] !== true) return new Set();
  return new Set(
    (headers.get(DUPLICATES_HEADER) ?? "")
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean),
  );
}

type NodeRequestLike = { headers: Record<string, string | string[] | undefined>; rawHeaders: string[]; socket: { remoteAddress?: string } };

/**
 * Run by scripts/next-server.ts on each incoming request, before Next.js sees it: replaces
 * whatever the client sent under our two header names with what the socket and the raw header
 * list say, and marks the process so peerAddress() trusts them.
 */
export function stampRequest(request: NodeRequestLike): void {
  (globalThis as Record<symbol, unknown>)[STAMPED] = true;
  const seen = new Map<string, number>();
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  const duplicates = [...seen].filter(([, count]) => count > 1).map(([name]) => name);
  request.headers[PEER_HEADER] = request.socket.remoteAddress ?? "";
  if (duplicates.length) request.headers[DUPLICATES_HEADER] = duplicates.join(",");
  else delete request.headers[DUPLICATES_HEADER];
}
