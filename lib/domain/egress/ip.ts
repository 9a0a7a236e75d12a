/**
 * IP addresses as numbers, for the egress policy: IPv4 as a 32-bit and IPv6 as a 128-bit bigint.
 * Parsing is strict (dotted-quad IPv4 and RFC 4291 IPv6 text, as `new URL` and DNS hand them
 * over); the odd IPv4 spellings (`2130706433`, `0x7f000001`, `127.1`) never reach here because
 * `new URL` already turns them into dotted quads, and anything this cannot read is refused.
 */
export type Ip = { family: 4 | 6; value: bigint };
export type Cidr = { family: 4 | 6; base: bigint; prefix: number; text: string };

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(text: string): bigint | null {
  const match = V4.exec(text);
  if (!match) return null;
  let value = 0n;
  for (const part of match.slice(1)) {
    if (part.length > 1 && part.startsWith("0")) return null; // 010.0.0.1 is octal to some parsers: refuse, do not guess
    const byte = Number(part);
    if (byte > 255) return null;
    value = (value << 8n) | BigInt(byte);
  }
  return value;
}

function parseV6(input: string): bigint | null {
  let text = input.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  // A trailing dotted quad (::ffff:127.0.0.1) is the last 32 bits: rewrite it as two hex words.
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".", lastColon)) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0] ?? "");
  const rest = halves.length === 2 ? groups(halves[1] ?? "") : [];
  const words = head.length + rest.length;
  if (halves.length === 1 ? words !== 8 : words > 7) return null;
  const filled = [...head, ...Array<string>(8 - words).fill("0"), ...rest];
  let value = 0n;
  for (const group of filled) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

/** An address from URL or DNS text (IPv6 with or without brackets), or null. */
export function parseIp(text: string): Ip | null {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const v4 = parseV4(bare);
  if (v4 !== null) return { family: 4, value: v4 };
  if (!bare.includes(":")) return null;
  const v6 = parseV6(bare);
  return v6 === null ? null : { family: 6, value: v6 };
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128). */
export function parseCidr(text: string): Cidr | null {
  const [address = "", prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const ip = parseIp(address);
  if (!ip) return null;
  const bits = ip.family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { family: ip.family, base: ip.value & mask, prefix, text: text.trim() };
}

export function inCidr(ip: Ip, cidr: Cidr): boolean {
  if (ip.family !== cidr.family) return false;
  const bits = ip.family === 4 ? 32 : 128;
  return ip.value >> BigInt(bits - cidr.prefix) === cidr.base >> BigInt(bits - cidr.prefix) || cidr.prefix === 0;
}

/**
 * The IPv4 address an IPv6 one carries and that a connection to it reaches or can be made to
 * reach: IPv4-mapped (::ffff:a.b.c.d, which the kernel connects over IPv4), IPv4-compatible
 * (::a.b.c.d, deprecated) and NAT64's well-known prefix (64:ff9b::a.b.c.d). Null otherwise.
 */
export function embeddedV4(ip: Ip): Ip | null {
  if (ip.family !== 6) return null;
  const high = ip.value >> 32n;
  const low = ip.value & 0xffffffffn;
  const mapped = high === 0xffffn;
  const compatible = high === 0n && low > 1n; // :: and ::1 are IPv6's own
  const nat64 = high === 0x0064ff9b0000000000000000n;
  return mapped || compatible || nat64 ? { family: 4, value: low } : null;
}

export function formatIp(ip: Ip): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join(".");
  const words = [...Array(8).keys()].map((i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  // The longest run of zero words (two or more) becomes "::", as RFC 5952 says.
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}
