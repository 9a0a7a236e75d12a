import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { backfillOpenMetrics, startPrometheus, type RunningPrometheus, type ScrapeConfig } from "../scripts/lib/prometheus-server";
import { freePort } from "./free-port";
import { assertLocalUrl } from "./local-only";

export type TestPrometheus = {
  /** Base URL; only valid inside tests (it is set in beforeAll). */
  readonly url: string;
  /** Stops the server early, e.g. to test "Prometheus is down". afterAll copes with it. */
  stop: () => Promise<void>;
  /** Runs a text alone at a time, as a person pasting a shown query into Prometheus would: its instant vector. */
  runAlone: (query: string, time: string) => Promise<InstantSample[]>;
};

export type InstantSample = { metric: Record<string, string>; value: [number, string] };

/**
 * A real Prometheus for the calling test file: a free loopback port, a fresh data folder under
 * .data/test/, history backfilled before start-up when `backfill` returns OpenMetrics text
 * (timestamps in seconds), stopped and deleted after the file's tests.
 */
export function startPrometheusForFile({
  backfill,
  scrapeConfigs,
}: {
  backfill?: () => string | Promise<string>;
  scrapeConfigs?: ScrapeConfig[];
} = {}): TestPrometheus {
  let server: RunningPrometheus | undefined;
  const dataDir = path.resolve(".data", "test", `prometheus-${process.pid}-${randomBytes(4).toString("hex")}`);

  beforeAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    if (backfill) await backfillOpenMetrics({ dataDir, text: await backfill() });
    server = await startPrometheus({ dataDir, port: await freePort(), scrapeConfigs });
    assertLocalUrl("test Prometheus", server.url);
  });

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  return {
    get url() {
      if (!server) throw new Error("the test Prometheus is not running yet: use its url inside tests or hooks");
      return server.url;
    },
    stop: async () => {
      await server?.stop();
    },
    async runAlone(query, time) {
      const res = await fetch(`${this.url}/api/v1/query`, { method: "POST", body: new URLSearchParams({ query, time: String(Date.parse(time) / 1000) }) });
      const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: InstantSample[] } };
      if (body.status !== "success" || body.data?.resultType !== "vector")
        throw new Error(`Prometheus refused ${query}: ${body.error ?? JSON.stringify(body)}`);
      return body.data.result;
    },
  };
}
