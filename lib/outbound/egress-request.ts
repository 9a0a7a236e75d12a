import { createHash } from "node:crypto";
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { decideAddress, decideHost, normalizeHost, type EgressPolicy } from "../domain/egress/policy";
import { parseIp } from "../domain/egress/ip";

/**
 * Every request Aviary sends on someone's behalf goes out here (approval checks, webhooks,
 * Slack), under the one egress policy (lib/domain/egress/policy.ts):
 *  - the name is resolved once, every address it resolves to is checked, and the connection is
 *    made to the checked address (pinned through `lookup`, so DNS rebinding between check and
 *    connect cannot move it; TLS still verifies the certificate against the name);
 *  - redirects are never followed (a 3xx is the answer);
 *  - one deadline covers resolving, connecting, the headers and the body;
 *  - the body is read as a stream and the connection dropped after `maxBytes`: a receiver that
 *    streams 300 MB costs a few KiB.
 * It never throws: the outcome is data for the caller to store and show.
 */

export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

export type EgressRequest = {
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  policy: EgressPolicy;
  /** Bytes of the answer read at most (the rest is never read). */
  maxBytes?: number;
  /** Test seam: a resolver other than the system's (getaddrinfo: /etc/hosts, then DNS). */
  resolve?: Resolve;
};

export type EgressAnswer =
  | {
      kind: "answer";
      status: number;
      durationMs: number;
      contentType: string | null;
      /** Bytes read (at most maxBytes), and whether the answer went on past them. */
      size: number;
      truncated: boolean;
      /** SHA-256 of the bytes read, hex. */
      sha256: string;
      bytes: Uint8Array;
    }
  | { kind: "refused"; rule: string; durationMs: number; error: string }
  | { kind: "failed"; durationMs: number; error: string };

export const DEFAULT_MAX_BYTES = 4096;

const systemResolve: Resolve = (host) => dnsLookup(host, { all: true, verbatim: true });

/** The address a request to `url` may connect to, or why it may not go out. */
export async function checkEgress(
  url: URL,
  policy: EgressPolicy,
  resolve: Resolve = systemResolve,
): Promise<{ ok: true; address: string; family: 4 | 6 } | { ok: false; refused: boolean; error: string; rule?: string }> {
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, refused: true, rule: "scheme", error: "only http and https are allowed" };
  if (url.username || url.password) return { ok: false, refused: true, rule: "credentials in URL", error: "URLs with credentials are refused" };
  const host = normalizeHost(url.hostname);
  const byName = decideHost(policy, host);
  if (!byName.allowed) return { ok: false, refused: true, rule: byName.rule, error: `refused by the egress policy: ${byName.rule}` };
  const literal = parseIp(host);
  let addresses: { address: string; family: number }[];
  if (literal) addresses = [{ address: host, family: literal.family }];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      const code = (error as { code?: string }).code;
      return { ok: false, refused: false, error: `could not resolve ${host}${code ? ` (${code})` : ""}` };
    }
  }
  if (addresses.length === 0) return { ok: false, refused: false, error: `could not resolve ${host}` };
  // Every address: a name that also resolves to a refused address is refused, whichever one a
  // connection would pick.
  for (const { address } of addresses) {
    const decision = decideAddress(policy, host, address);
    if (!decision.allowed) {
      const shown = literal ? "" : ` (${host} resolves to ${address})`;
      return { ok: false, refused: true, rule: decision.rule, error: `refused by the egress policy: ${decision.rule}${shown}` };
    }
  }
  const first = addresses[0]!;
  return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
}

export async function egressRequest({
  url: text,
  method,
  headers = {},
  body,
  timeoutMs,
  policy,
  maxBytes = DEFAULT_MAX_BYTES,
  resolve = systemResolve,
}: EgressRequest): Promise<EgressAnswer> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { kind: "refused", rule: "URL", error: "not an absolute URL", durationMs: 0 };
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const allowed = await Promise.race([checkEgress(url, policy, resolve), aborted(controller.signal)]);
    if (!allowed) return { kind: "failed", error: `no answer within ${timeoutMs} ms`, durationMs: elapsed() };
    if (!allowed.ok)
      return allowed.refused
        ? { kind: "refused", rule: allowed.rule ?? "egress policy", error: allowed.error, durationMs: elapsed() }
        : { kind: "failed", error: allowed.error, durationMs: elapsed() };
    const pinned: LookupFunction = (_host, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [allowed]);
      else callback(null, allowed.address, allowed.family);
    };
    const answer = await send(url, { method, headers, body, maxBytes, lookup: pinned, signal: controller.signal });
    return { kind: "answer", ...answer, durationMs: elapsed() };
  } catch (error) {
    if (controller.signal.aborted) return { kind: "failed", error: `no answer within ${timeoutMs} ms`, durationMs: elapsed() };
    const code = (error as { code?: string }).code;
    return { kind: "failed", error: `could not connect${code ? ` (${code})` : ""}`, durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

const aborted = (signal: AbortSignal) => new Promise<null>((resolve) => signal.addEventListener("abort", () => resolve(null), { once: true }));

type Sent = { status: number; contentType: string | null; size: number; truncated: boolean; sha256: string; bytes: Uint8Array };

function send(
  url: URL,
  options: { method: string; headers: Record<string, string>; body: string | undefined; maxBytes: number; lookup: LookupFunction; signal: AbortSignal },
): Promise<Sent> {
  const transport = url.protocol === "https:" ? https : http;
  const payload = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise<Sent>((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: options.method,
        headers: { ...options.headers, ...(payload ? { "content-length": String(payload.byteLength) } : {}), connection: "close" },
        lookup: options.lookup,
        signal: options.signal,
        // No agent: no pooled socket from an earlier, differently resolved request is reused.
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const finish = () => {
          const bytes = Buffer.concat(chunks).subarray(0, options.maxBytes);
          resolve({
            status: response.statusCode ?? 0,
            contentType: typeof response.headers["content-type"] === "string" ? response.headers["content-type"] : null,
            size: bytes.byteLength,
            truncated,
            sha256: createHash("sha256").update(bytes).digest("hex"),
            bytes: new Uint8Array(bytes),
          });
        };
        response.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.byteLength;
          if (size >= options.maxBytes) {
            truncated = size > options.maxBytes || response.readableLength > 0 || !response.complete;
            response.removeAllListeners("data");
            response.removeAllListeners("end");
            request.destroy();
            finish();
          }
        });
        response.on("end", finish);
        response.on("error", (error) => (size >= options.maxBytes ? undefined : reject(error)));
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}
