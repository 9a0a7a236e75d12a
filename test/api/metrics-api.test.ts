import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as metricsRoute from "@/app/api/rollouts/[id]/metrics/route";
import * as slisRoute from "@/app/api/slis/route";
import { latestValue } from "@/lib/domain/burn-summary";
import { createPrometheusClient } from "@/lib/prometheus/client";
import { checkoutHistory, sig3 } from "@/lib/prometheus/test-support";
import { backfillOpenMetrics, startPrometheus, type RunningPrometheus } from "@/scripts/lib/prometheus-server";
import { overrideDeps } from "@/lib/composition/deps";
import { useFreshDatabase } from "../database";
import { freePort } from "../free-port";
import { assertLocalUrl } from "../local-only";
import { appendEvents } from "../chained-events";
import { checkoutRollout, testDeps } from "../metrics-fixtures";

/*
 * The SLI endpoints through their real route handlers (and getDeps), against a real Prometheus
 * this file starts, stops and starts again on the same port, and small stand-ins for a
 * Prometheus that stalls or answers garbage. Expected values as in get-rollout-metrics.test.ts.
 */
const END = Math.floor(Date.now() / 60_000) * 60 - 60;
const TIMEOUT_MS = 800;
const dataDir = path.resolve(".data", "test", `prometheus-metrics-api-${process.pid}-${randomBytes(4).toString("hex")}`);
let prometheus: RunningPrometheus | undefined;
let port = 0;
const fakes: http.Server[] = [];

/** getDeps() keeps its Prometheus client on globalThis; the tests point it where they need. */
function usePrometheusAt(url: string) {
  assertLocalUrl("test Prometheus", url);
  overrideDeps({ prometheus: createPrometheusClient({ baseUrl: url, timeoutMs: TIMEOUT_MS }) });
}
const realUrl = () => `http://127.0.0.1:${port}`;

async function fake(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  fakes.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  return `http://127.0.0.1:${address.port}`;
}

let rolloutId = "";
beforeAll(async () => {
  await useFreshDatabase();
  await rm(dataDir, { recursive: true, force: true });
  await backfillOpenMetrics({ dataDir, text: checkoutHistory({ endSeconds: END }) });
  port = await freePort();
  prometheus = await startPrometheus({ dataDir, port });
  usePrometheusAt(realUrl());
  const deps = testDeps({ prometheus: createPrometheusClient({ baseUrl: realUrl() }), now: new Date() });
  const rollout = await checkoutRollout({ deps, createdAt: new Date((END - 7200) * 1000) });
  rolloutId = rollout.id;
  await appendEvents(rolloutId, [{ at: new Date((END - 600) * 1000), action: "start", canaryWeight: 5 }]);
});

afterAll(async () => {
  for (const server of fakes) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await prometheus?.stop();
  await rm(dataDir, { recursive: true, force: true });
  overrideDeps({});
});

async function getMetrics(id: string, query = "?window=15m") {
  const request = new Request(`http://aviary.test/api/rollouts/${id}/metrics${query}`);
  const res = await metricsRoute.GET(request, { params: Promise.resolve({ id }) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert response fields one by one
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}
async function getOverview() {
  const res = await slisRoute.GET(new Request("http://aviary.test/api/slis"));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function expectHealthy() {
  const metrics = await getMetrics(rolloutId);
  expect(metrics.status).toBe(200);
  expect(sig3(latestValue(metrics.body.canary.errorRate))).toBe("0.0500");
  const overview = await getOverview();
  expect(overview.status).toBe(200);
  expect(sig3(overview.body.rollouts[rolloutId].stable.errorRate)).toBe("0.00100");
}

describe("GET /api/rollouts/:id/metrics and /api/slis", () => {
  it("answer with the SLIs, uncached", async () => {
    const { status, headers, body } = await getMetrics(rolloutId);
    expect(status).toBe(200);
    expect(headers.get("cache-control")).toBe("no-store");
    expect(body).toMatchObject({ rolloutId, window: "15m", state: "ok", split: { currentWeight: 0 } });
    expect(sig3(latestValue(body.stable.p95Ms))).toBe("194");
    expect(sig3(latestValue(body.split.observed))).toBe("0.167");
    // the backdated start, and the create event the API wrote just now
    expect(body.markers.map((m: { action: string }) => m.action)).toEqual(["start", "create"]);
    await expectHealthy();
  });

  it("refuses a bad window with 400 naming the field, and an unknown rollout with 404", async () => {
    const bad = await getMetrics(rolloutId, "?window=2d");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({
      code: "VALIDATION",
      message: expect.stringContaining("window"),
      fields: { window: "window must be one of 15m, 1h, 6h, 24h, rollout" },
    });
    expect((await getMetrics("00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await getMetrics("not-an-id")).status).toBe(404);
  });
});

describe("when Prometheus fails", () => {
  it("says 503 METRICS_UNAVAILABLE while it is stopped, and recovers once it is back", async () => {
    await prometheus?.stop();
    const down = await getMetrics(rolloutId);
    expect(down.status).toBe(503);
    expect(down.body.error).toEqual({ code: "METRICS_UNAVAILABLE", message: `Prometheus at ${realUrl()} is unreachable (ECONNREFUSED)` });
    const overview = await getOverview();
    expect(overview.status).toBe(503);
    expect(overview.body.error.code).toBe("METRICS_UNAVAILABLE");

    prometheus = await startPrometheus({ dataDir, port });
    await expectHealthy();
  }, 60_000);

  it("says 503 when it stalls past the timeout", async () => {
    const stalling = await fake(() => {
      /* never answers */
    });
    usePrometheusAt(stalling);
    const started = performance.now();
    const slow = await getMetrics(rolloutId);
    expect(slow.status).toBe(503);
    expect(slow.body.error).toEqual({ code: "METRICS_UNAVAILABLE", message: `Prometheus at ${stalling} did not answer within ${TIMEOUT_MS} ms` });
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
    usePrometheusAt(realUrl());
    await expectHealthy();
  });

  it("says 502 METRICS_ERROR for garbage or a refused query, 503 for a gateway whose upstream is down", async () => {
    const html = await fake((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>Sign in</html>"));
    usePrometheusAt(html);
    const garbage = await getMetrics(rolloutId);
    expect(garbage.status).toBe(502);
    expect(garbage.body.error.code).toBe("METRICS_ERROR");
    expect(garbage.body.error.message).toMatch(`Prometheus at ${html} answered with something that is not JSON (text/html)`);

    const refusing = await fake((_req, res) =>
      res
        .writeHead(422, { "content-type": "application/json" })
        .end(JSON.stringify({ status: "error", errorType: "execution", error: "query processing would load too many samples" })),
    );
    usePrometheusAt(refusing);
    const refused = await getOverview();
    expect(refused.status).toBe(502);
    expect(refused.body.error).toEqual({
      code: "METRICS_ERROR",
      message: `Prometheus at ${refusing} could not run the query (execution): query processing would load too many samples`,
    });

    const gateway = await fake((_req, res) => res.writeHead(503, { "content-type": "text/html" }).end("<h1>503 Service Unavailable</h1>"));
    usePrometheusAt(gateway);
    expect((await getMetrics(rolloutId)).body.error.code).toBe("METRICS_UNAVAILABLE");

    usePrometheusAt(realUrl());
    await expectHealthy();
  });
});
