import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createPrometheusClient } from "./client";
import { prometheusFailure as failure } from "./test-support";

/** What Aviary may ask of Prometheus: the concurrency limit, the byte cap and Prometheus' own timeout, against real sockets. */
const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handle: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => handle(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  return `http://127.0.0.1:${address.port}`;
}

const VECTOR = JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } });
const ok = (res: http.ServerResponse) => res.writeHead(200, { "Content-Type": "application/json" }).end(VECTOR);

describe("the concurrency limit", () => {
  it("keeps at most N requests in flight, queues the rest in order, and answers them all", async () => {
    let open = 0;
    let most = 0;
    const held: http.ServerResponse[] = [];
    const url = await serve((_req, res) => {
      open++;
      most = Math.max(most, open);
      res.on("finish", () => open--);
      held.push(res);
    });
    const client = createPrometheusClient({ baseUrl: url, maxConcurrency: 3, timeoutMs: 30_000 });
    const calls = Array.from({ length: 10 }, (_, i) => client.query(`vector(${i})`));
    expect(client.load()).toEqual({ inFlight: 3, queued: 7, limit: 3 });
    // Answer whatever is held, one at a time, until every call is done.
    let answered = 0;
    while (answered < 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const next = held.shift();
      if (!next) continue;
      ok(next);
      answered++;
    }
    await expect(Promise.all(calls)).resolves.toHaveLength(10);
    expect(most).toBe(3);
    expect(client.load()).toEqual({ inFlight: 0, queued: 0, limit: 3 });
  });

  it("tells a caller that waited its whole timeout for a turn that Prometheus is busy, naming the limit", async () => {
    const url = await serve(() => {}); // never answers: the one slot stays taken until its own timeout
    const client = createPrometheusClient({ baseUrl: url, maxConcurrency: 1, timeoutMs: 300 });
    const first = failure(client.query("vector(1)"));
    const second = await failure(client.query("vector(2)"));
    expect(second).toMatchObject({ kind: "busy", code: "METRICS_UNAVAILABLE", status: 503 });
    expect(second.message).toMatch(/is busy: no turn within 300 ms \(1 of 1 queries in flight.*AVIARY_PROMETHEUS_MAX_CONCURRENCY/);
    expect((await first).kind).toBe("timeout");
    expect(client.load()).toMatchObject({ inFlight: 0, queued: 0 });
  });
});

describe("the byte cap", () => {
  it("refuses an endless answer once it passes the cap, without reading the rest", async () => {
    let written = 0;
    let closed = false;
    const url = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, " ");
      res.write('{"status":"success","data":{"resultType":"vector","result":[');
      const pump = () => {
        while (!closed && res.write(chunk)) written += chunk.length;
        if (!closed) res.once("drain", pump);
      };
      res.on("close", () => (closed = true));
      pump();
    });
    const client = createPrometheusClient({ baseUrl: url, maxResponseBytes: 1024 * 1024, timeoutMs: 30_000 });
    const error = await failure(client.query("up"));
    expect(error).toMatchObject({ kind: "too_large", code: "METRICS_ERROR", status: 502 });
    expect(error.message).toBe(
      `Prometheus at ${url} answered with more than 1048576 bytes (AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES): narrow the query or raise the limit`,
    );
    await expect.poll(() => closed).toBe(true); // the client hung up; the server stopped at socket buffers' worth
    expect(written).toBeLessThan(64 * 1024 * 1024);
    expect(client.load().inFlight).toBe(0);
  });

  it("refuses a declared Content-Length above the cap before reading, and reads one at the cap", async () => {
    const big = JSON.stringify({ status: "success", data: { resultType: "vector", result: [] }, padding: "x".repeat(70_000) });
    const url = await serve((_req, res) => res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(big) }).end(big));
    const error = await failure(createPrometheusClient({ baseUrl: url, maxResponseBytes: 65_536 }).query("up"));
    expect(error.kind).toBe("too_large");
    await expect(createPrometheusClient({ baseUrl: url, maxResponseBytes: Buffer.byteLength(big) }).query("up")).resolves.toMatchObject({
      resultType: "vector",
    });
  });
});

describe("Prometheus' own timeout", () => {
  it("goes with every query and range query, a little below Aviary's", async () => {
    const forms: Record<string, string>[] = [];
    const url = await serve((req, res, body) => {
      forms.push(Object.fromEntries(new URLSearchParams(body)));
      const matrix = JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } });
      res.writeHead(200, { "Content-Type": "application/json" }).end(req.url?.endsWith("query_range") ? matrix : VECTOR);
    });
    const client = createPrometheusClient({ baseUrl: url, timeoutMs: 2000 });
    await client.query("up");
    await client.queryRange("up", { start: new Date(0), end: new Date(60_000), stepSeconds: 15 });
    expect(forms.map((form) => form.timeout)).toEqual(["1800ms", "1800ms"]);
  });
});
