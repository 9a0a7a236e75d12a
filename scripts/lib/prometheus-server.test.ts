import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { backfillOpenMetrics, startPrometheus, type RunningPrometheus } from "./prometheus-server";
import { freePort } from "../../test/free-port";
import { createPrometheusClient } from "../../lib/prometheus/client";

// Tests of the test Prometheus launcher itself (scripts/lib/prometheus-server.ts).
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllEnvs();
});

function tempDataDir(): string {
  const dir = path.resolve(".data", "test", `prometheus-launcher-${randomBytes(4).toString("hex")}`);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function started(server: Promise<RunningPrometheus>): Promise<RunningPrometheus> {
  const running = await server;
  cleanups.push(() => running.stop());
  return running;
}

describe("startPrometheus", () => {
  it("scrapes the configured targets and stops cleanly", async () => {
    const target = http.createServer((_req, res) => res.end('aviary_launcher_probe{job_hint="x"} 42\n'));
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => target.close(resolve)));
    const address = target.address() as net.AddressInfo;

    const prometheus = await started(
      startPrometheus({ dataDir: tempDataDir(), scrapeConfigs: [{ jobName: "probe", targets: [`127.0.0.1:${address.port}`], scrapeIntervalSeconds: 1 }] }),
    );
    const client = createPrometheusClient({ baseUrl: prometheus.url });
    await vi.waitFor(
      async () => {
        const data = await client.query("aviary_launcher_probe");
        expect(data).toMatchObject({ resultType: "vector", result: [{ metric: { job: "probe" }, value: [expect.any(Number), "42"] }] });
      },
      { timeout: 15_000, interval: 250 },
    );

    await prometheus.stop();
    await prometheus.stop(); // twice is harmless
    await expect(fetch(`${prometheus.url}/-/ready`)).rejects.toThrow();
  });

  it("says so when the port is taken", async () => {
    const port = await freePort();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));
    await expect(startPrometheus({ dataDir: tempDataDir(), port })).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
  });

  it("names PROMETHEUS_BIN when it points at nothing", async () => {
    vi.stubEnv("PROMETHEUS_BIN", "/nonexistent/prometheus");
    await expect(startPrometheus({ dataDir: tempDataDir() })).rejects.toThrow(/PROMETHEUS_BIN is set to \/nonexistent\/prometheus.*apt-get install prometheus/);
  });
});

describe("backfillOpenMetrics", () => {
  it("loads history (adding the # EOF promtool requires) that Prometheus serves once started", async () => {
    const dataDir = tempDataDir();
    const end = Math.floor(Date.now() / 1000) - 600;
    const lines = Array.from({ length: 41 }, (_, i) => `aviary_backfill_probe_total{a="b"} ${1000 + i * 150} ${end - 600 + i * 15}`);
    await backfillOpenMetrics({ dataDir, text: lines.join("\n") });
    const prometheus = await started(startPrometheus({ dataDir }));
    const data = await createPrometheusClient({ baseUrl: prometheus.url }).query("rate(aviary_backfill_probe_total[5m])", { time: new Date(end * 1000) });
    // 150 per 15 s = 10/s
    expect(data).toMatchObject({ resultType: "vector", result: [{ value: [end, "10"] }] });
  });

  it("passes on promtool's complaint about malformed input", async () => {
    await expect(backfillOpenMetrics({ dataDir: tempDataDir(), text: "not openmetrics at all {\n# EOF\n" })).rejects.toThrow(/promtool could not backfill/);
  });
});
