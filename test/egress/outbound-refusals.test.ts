import http from "node:http";
import type net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_EGRESS_POLICY, parseEgressPolicy } from "@/lib/domain/egress/policy";
import { httpCheckVia } from "@/lib/outbound/http-check";
import { postWebhookVia } from "@/lib/outbound/post-webhook";

/**
 * The egress guard against real listeners on 127.0.0.1 and [::1] that count every request:
 * under the default policy, approval checks and webhooks aimed at them in every spelling that
 * reached them through the old hostname blocklist get nowhere, and each refusal names its rule.
 */
type Listener = { port: number; hits: number; bytesSent: number; close(): Promise<void> };

async function listen(host: string, handler?: (res: http.ServerResponse, listener: Listener) => void): Promise<Listener> {
  const listener: Listener = { port: 0, hits: 0, bytesSent: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    listener.hits++;
    req.resume();
    if (handler) return handler(res, listener);
    res.writeHead(200, { "content-type": "text/plain" }).end("reached");
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  listener.port = (server.address() as net.AddressInfo).port;
  listener.close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return listener;
}

let v4: Listener;
let v6: Listener;
beforeAll(async () => {
  v4 = await listen("127.0.0.1");
  v6 = await listen("::1");
});
afterAll(async () => {
  await v4?.close();
  await v6?.close();
});

const check = httpCheckVia(DEFAULT_EGRESS_POLICY);
const post = postWebhookVia(DEFAULT_EGRESS_POLICY);

const spellings = (): [string, string][] => [
  [`http://127.0.0.1:${v4.port}/`, "loopback (127.0.0.0/8)"],
  [`http://localhost:${v4.port}/`, "loopback"], // /etc/hosts: 127.0.0.1 and ::1
  [`http://localhost.:${v4.port}/`, "loopback"], // trailing dot
  [`http://[::1]:${v6.port}/`, "loopback (::1/128)"],
  [`http://[::ffff:127.0.0.1]:${v4.port}/`, "loopback (127.0.0.0/8) carried in ::ffff:7f00:1"],
  [`http://[0:0:0:0:0:ffff:7f00:1]:${v4.port}/`, "loopback (127.0.0.0/8) carried in ::ffff:7f00:1"],
  [`http://2130706433:${v4.port}/`, "loopback (127.0.0.0/8)"],
  [`http://0x7f000001:${v4.port}/`, "loopback (127.0.0.0/8)"],
  [`http://127.1:${v4.port}/`, "loopback (127.0.0.0/8)"],
  [`http://0.0.0.0:${v4.port}/`, "unspecified (0.0.0.0/8)"],
  [`http://checks.example.test:${v4.port}/`, "loopback (127.0.0.0/8)"], // a local resolver pointing at it (below)
];
// A resolver that points a public-looking name at loopback, as a hostile DNS record would.
const hostileResolver = async (host: string) =>
  host === "checks.example.test" ? [{ address: "127.0.0.1", family: 4 }] : (await import("node:dns/promises")).lookup(host, { all: true, verbatim: true });

describe("the default policy sends nothing to this machine", () => {
  it("checks and webhooks in every spelling of loopback: no request arrives, each refusal names its rule", async () => {
    const viaName = { check: httpCheckVia(DEFAULT_EGRESS_POLICY, hostileResolver), post: postWebhookVia(DEFAULT_EGRESS_POLICY, hostileResolver) };
    for (const [url, rule] of spellings()) {
      const checked = await viaName.check({ url, timeoutMs: 2000 });
      expect(checked.status, url).toBeNull();
      expect(checked.error, url).toContain(`refused by the egress policy: ${rule}`);
      const posted = await viaName.post({ url, body: "{}", headers: {}, timeoutMs: 2000 });
      expect(posted, url).toMatchObject({ ok: false, status: null, permanent: true });
      expect(posted.ok ? "" : posted.error, url).toContain(rule);
    }
    expect(v4.hits).toBe(0);
    expect(v6.hits).toBe(0);
  });

  it("a cloud metadata address hidden in IPv6 is refused as cloud metadata", async () => {
    const answer = await check({ url: "http://[::ffff:169.254.169.254]/latest/meta-data/iam/security-credentials/x", timeoutMs: 2000 });
    expect(answer.error).toBe("refused by the egress policy: cloud metadata (169.254.169.254/32) carried in ::ffff:a9fe:a9fe");
    expect((await post({ url: "http://metadata.google.internal./computeMetadata/v1/", body: "{}", headers: {}, timeoutMs: 2000 })).ok).toBe(false);
  });

  it("the same listener is reached once its address is allowed, so the refusals above were the policy's", async () => {
    const allowing = httpCheckVia(parseEgressPolicy({ allow: "127.0.0.1/32" }).policy);
    expect(await allowing({ url: `http://127.0.0.1:${v4.port}/`, timeoutMs: 2000 })).toMatchObject({ status: 200, size: 7, excerpt: "reached" });
    expect(v4.hits).toBe(1);
    v4.hits = 0;
  });
});

describe("the address checked is the address connected to", () => {
  it("a name that resolves to an allowed and a refused address is refused whole", async () => {
    const policy = parseEgressPolicy({ allow: "127.0.0.1/32" }).policy;
    const both = httpCheckVia(policy, async () => [
      { address: "127.0.0.1", family: 4 },
      { address: "::1", family: 6 },
    ]);
    expect((await both({ url: `http://split.example.test:${v4.port}/`, timeoutMs: 2000 })).error).toContain(
      "loopback (::1/128) (split.example.test resolves to ::1)",
    );
    expect(v4.hits + v6.hits).toBe(0);
  });

  it("DNS rebinding between check and connect cannot move the connection: the name is resolved once and the checked address pinned", async () => {
    const policy = parseEgressPolicy({ allow: "127.0.0.1/32" }).policy;
    let lookups = 0;
    // First answer allowed (127.0.0.1); any later answer would be refused (::1), where the v6 listener counts.
    const rebinding = async () => (lookups++ === 0 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "::1", family: 6 }]);
    const answer = await httpCheckVia(policy, rebinding)({ url: `http://rebind.example.test:${v4.port}/`, timeoutMs: 2000 });
    expect(answer.status).toBe(200);
    expect(lookups).toBe(1);
    expect(v4.hits).toBe(1);
    expect(v6.hits).toBe(0);
    v4.hits = 0;
  });

  it("redirects are answers, not followed", async () => {
    const redirecting = await listen("127.0.0.1", (res) => res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end());
    try {
      const answer = await httpCheckVia(parseEgressPolicy({ allow: "127.0.0.1/32" }).policy)({ url: `http://127.0.0.1:${redirecting.port}/`, timeoutMs: 2000 });
      expect(answer.status).toBe(302);
      expect(redirecting.hits).toBe(1);
    } finally {
      await redirecting.close();
    }
  });
});

describe("answers are read up to a few KiB", () => {
  it("a receiver that streams 300 MB leaves the process within a few MB of where it was", async () => {
    const chunk = Buffer.alloc(64 * 1024, "x");
    const flood = await listen("127.0.0.1", (res, listener) => {
      res.writeHead(500, { "content-type": "text/plain", "content-length": String(300 * 1024 * 1024) });
      const pump = () => {
        while (listener.bytesSent < 300 * 1024 * 1024) {
          listener.bytesSent += chunk.byteLength;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => res.removeAllListeners("drain"));
      pump();
    });
    try {
      const policy = parseEgressPolicy({ allow: "127.0.0.1/32" }).policy;
      global.gc?.();
      const before = process.memoryUsage().rss;
      const url = `http://127.0.0.1:${flood.port}/hook`;
      const [checked, posted] = await Promise.all([
        httpCheckVia(policy)({ url, timeoutMs: 10_000 }),
        postWebhookVia(policy)({ url, body: "{}", headers: {}, timeoutMs: 10_000 }),
      ]);
      const grown = (process.memoryUsage().rss - before) / 1024 / 1024;
      expect(checked).toMatchObject({ status: 500, size: 4096 });
      expect(posted).toMatchObject({ ok: false, status: 500, error: expect.stringMatching(/^HTTP 500 \(4096\+ bytes, sha256 [0-9a-f]{12}\)$/) });
      // The connection was dropped after 4 KiB: the receiver got to write only what the sockets buffer.
      expect(flood.bytesSent).toBeLessThan(32 * 1024 * 1024);
      expect(grown).toBeLessThan(16);
    } finally {
      await flood.close();
    }
  });

  it("one deadline covers a receiver that sends its headers and then trickles", async () => {
    const trickle = await listen("127.0.0.1", (res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const timer = setInterval(() => res.write("."), 200);
      res.on("close", () => clearInterval(timer));
    });
    try {
      const answer = await httpCheckVia(parseEgressPolicy({ allow: "127.0.0.1/32" }).policy)({ url: `http://127.0.0.1:${trickle.port}/`, timeoutMs: 800 });
      expect(answer).toMatchObject({ status: null, error: "no answer within 800 ms" });
      expect(answer.latencyMs).toBeLessThan(3000);
    } finally {
      await trickle.close();
    }
  });
});
