import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../test/free-port";
import { startPrometheusForFile } from "../../test/prometheus";
import { createPrometheusClient } from "./client";
import { fetchOverviewSlis } from "./fetch-overview-slis";
import { prometheusFailure as failure } from "./test-support";

type Seen = { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string };
const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A stand-in for Prometheus (or for whatever sits in front of it) on a free loopback port. */
async function fakePrometheus(respond: (res: http.ServerResponse, seen: Seen) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const entry = { method: req.method, url: req.url, headers: req.headers, body };
      seen.push(entry);
      respond(res, entry);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  return { url: `http://127.0.0.1:${address.port}`, seen };
}

const json = (status: number, body: unknown) => (res: http.ServerResponse) => {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
};
const vector = (value: string) => ({ status: "success", data: { resultType: "vector", result: [{ metric: { a: "b" }, value: [1700000000, value] }] } });

describe("requests", () => {
  it("POSTs a form to the API under the base URL's path prefix, with the credentials", async () => {
    const fake = await fakePrometheus(json(200, vector("NaN")));
    const client = createPrometheusClient({
      baseUrl: `${fake.url}/prometheus/`,
      auth: { type: "basic", username: "sre", password: "pä55" },
      headers: { "X-Scope-OrgID": "team-a" },
    });
    const data = await client.query('up{job="a b"}', { time: new Date(1700000000500) });
    expect(data).toEqual(vector("NaN").data);
    const [request] = fake.seen;
    expect(request).toMatchObject({ method: "POST", url: "/prometheus/api/v1/query" });
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from("sre:pä55").toString("base64")}`);
    expect(request?.headers["x-scope-orgid"]).toBe("team-a");
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({ query: 'up{job="a b"}', time: "1700000000.500", timeout: "4500ms" });
  });

  it("sends range parameters in seconds and a bearer token; keeps user:password out of messages", async () => {
    const fake = await fakePrometheus(json(200, { status: "success", data: { resultType: "matrix", result: [] } }));
    const bearer = createPrometheusClient({ baseUrl: fake.url, auth: { type: "bearer", token: "t0k" } });
    await bearer.queryRange("up", { start: new Date(1_700_000_000_000), end: new Date(1_700_000_600_000), stepSeconds: 60 });
    expect(fake.seen[0]?.url).toBe("/api/v1/query_range");
    expect(fake.seen[0]?.headers.authorization).toBe("Bearer t0k");
    expect(Object.fromEntries(new URLSearchParams(fake.seen[0]?.body))).toMatchObject({ start: "1700000000.000", end: "1700000600.000", step: "60" });

    const inUrl = createPrometheusClient({ baseUrl: fake.url.replace("http://", "http://sre:s3cret@") });
    expect(inUrl.url).toBe(fake.url);
    await inUrl.queryRange("up", { start: new Date(0), end: new Date(60_000), stepSeconds: 60 });
    expect(fake.seen[1]?.headers.authorization).toBe(`Basic ${Buffer.from("sre:s3cret").toString("base64")}`);
  });
});

describe("failures become one typed error", () => {
  it("times out on a server that does not answer", async () => {
    const fake = await fakePrometheus((res) => setTimeout(() => json(200, vector("1"))(res), 2000));
    const error = await failure(createPrometheusClient({ baseUrl: fake.url, timeoutMs: 150 }).query("up"));
    expect(error).toMatchObject({ kind: "timeout", code: "METRICS_UNAVAILABLE", status: 503 });
    expect(error.message).toBe(`Prometheus at ${fake.url} did not answer within 150 ms`);
  });

  it("times out on a server that stalls halfway through the body", async () => {
    const fake = await fakePrometheus((res) => res.writeHead(200, { "Content-Type": "application/json" }).write('{"status":"succ'));
    expect((await failure(createPrometheusClient({ baseUrl: fake.url, timeoutMs: 150 }).query("up"))).kind).toBe("timeout");
  });

  it.each([
    [
      "an HTML page",
      (res: http.ServerResponse) => res.writeHead(200, { "Content-Type": "text/html" }).end("<html><body>Login</body></html>"),
      /not JSON \(text\/html\): <html><body>Login/,
    ],
    ["JSON of another API", json(200, { hello: "world" }), /JSON Aviary cannot read: status/],
    ["a sample value that is not a number", json(200, vector("twelve")), /data\.result\.0\.value\.1: is not a number/],
    ["an unknown result type", json(200, { status: "success", data: { resultType: "histogram", result: [] } }), /data\.resultType/],
  ])("calls %s a bad response", async (_what, respond, message) => {
    const fake = await fakePrometheus(respond);
    const error = await failure(createPrometheusClient({ baseUrl: fake.url }).query("up"));
    expect(error.kind).toBe("bad_response");
    expect(error.message).toMatch(message);
  });

  it("refuses a vector where a range query must answer with a matrix", async () => {
    const fake = await fakePrometheus(json(200, vector("1")));
    const error = await failure(createPrometheusClient({ baseUrl: fake.url }).queryRange("up", { start: new Date(0), end: new Date(60_000), stepSeconds: 60 }));
    expect(error.kind).toBe("bad_response");
  });

  it("reports HTTP errors without a Prometheus body as kind http, with a hint", async () => {
    const gateway = await fakePrometheus((res) => res.writeHead(502, { "Content-Type": "text/html" }).end("<h1>502 Bad Gateway</h1>"));
    const error = await failure(createPrometheusClient({ baseUrl: gateway.url }).query("up"));
    expect(error).toMatchObject({ kind: "http", httpStatus: 502 });
    expect(error.message).toBe(`Prometheus at ${gateway.url} answered HTTP 502 Bad Gateway: <h1>502 Bad Gateway</h1>`);
    const denied = await fakePrometheus((res) => res.writeHead(401).end());
    expect((await failure(createPrometheusClient({ baseUrl: denied.url }).query("up"))).message).toMatch(
      /HTTP 401 Unauthorized \(check the Prometheus credentials\): \(empty body\)/,
    );
  });

  it("reports Prometheus' own error body as kind query with its errorType", async () => {
    const fake = await fakePrometheus(json(503, { status: "error", errorType: "timeout", error: "query timed out in expression evaluation" }));
    const error = await failure(createPrometheusClient({ baseUrl: fake.url }).query("up"));
    expect(error).toMatchObject({ kind: "query", errorType: "timeout", httpStatus: 503 });
    expect(error.message).toBe(`Prometheus at ${fake.url} could not run the query (timeout): query timed out in expression evaluation`);
  });

  it("refuses a base URL that is not http(s)", () => {
    expect(() => createPrometheusClient({ baseUrl: "ftp://prometheus" })).toThrow(/must be http\(s\)/);
    expect(() => createPrometheusClient({ baseUrl: "not a url" })).toThrow(
      expect.objectContaining({ code: "VALIDATION", fields: { baseUrl: "must be an http(s) URL" } }),
    );
  });
});

describe("against a real Prometheus", () => {
  const prometheus = startPrometheusForFile();

  it("passes on a PromQL error as kind query / bad_data", async () => {
    const error = await failure(createPrometheusClient({ baseUrl: prometheus.url }).query("sum(rate(up[5m]"));
    expect(error).toMatchObject({ kind: "query", errorType: "bad_data", httpStatus: 400 });
    expect(error.message).toMatch(/could not run the query \(bad_data\): .*parse error/);
  });

  it("is unreachable once stopped, and the overview fails cleanly rather than crashing", async () => {
    const client = createPrometheusClient({ baseUrl: prometheus.url });
    await expect(client.query("vector(1)")).resolves.toMatchObject({ resultType: "vector" });
    await prometheus.stop();
    const error = await failure(client.query("vector(1)"));
    expect(error).toMatchObject({ kind: "unreachable", code: "METRICS_UNAVAILABLE" });
    expect(error.message).toBe(`Prometheus at ${prometheus.url} is unreachable (ECONNREFUSED)`);
    const overview = await failure(fetchOverviewSlis(client, [{ namespace: "shop", stable: "a", canary: "b" }]));
    expect(overview.kind).toBe("unreachable");
  });

  it("is unreachable on a port nothing listens on", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    expect((await failure(createPrometheusClient({ baseUrl: url }).query("up"))).kind).toBe("unreachable");
  });
});
