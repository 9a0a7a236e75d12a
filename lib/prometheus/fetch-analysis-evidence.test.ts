import { describe, expect, it } from "vitest";
import { startPrometheusForFile } from "../../test/prometheus";
import { deriveGates, type GateOf } from "../domain/analysis/definition";
import { createPrometheusClient } from "./client";
import { fetchAnalysisEvidence } from "./fetch-analysis-evidence";

/*
 * Counts for the binomial tests must be whole counts of what happened. Samples every 5 s; the
 * evaluation falls 0.5 s after a scrape, as the analysis loop places it. increase() over 20 s
 * would scale the 15 s the in-window samples span up to 20 s (x1.33): 2 errors would read 2.67.
 *   shop/api-v2 (canary):  200 grows 10 per scrape; 503 grows by 2 in the last 20 s (1 -> 3).
 *   shop/api-v1 (stable):  200 reset in the window (pod restart): counts nothing.
 *   shop/new-v2 (canary):  no series until 10 s ago, then 7 requests, 1 of them a 503: counts whole.
 * The error gate also scans its window's last 10 s and 5 s (errorRateScanWindows), from the same query.
 */
const END = Math.floor(Date.now() / 60_000) * 60 - 120;
const STEP = 5;

function history(): string {
  const lines: string[] = [];
  const series = (workload: string, code: string) =>
    `istio_requests_total{reporter="destination",destination_workload_namespace="shop",destination_workload="${workload}",response_code="${code}"}`;
  for (let t = END - 120; t <= END; t += STEP) {
    const age = END - t;
    lines.push(`${series("api-v2", "200")} ${1000 + (120 - age) * 2} ${t}`);
    lines.push(`${series("api-v2", "503")} ${age >= 20 ? 1 : age >= 10 ? 2 : 3} ${t}`);
    lines.push(`${series("api-v1", "200")} ${age > 12 ? 5000 + (120 - age) : 3 + (12 - age)} ${t}`);
    if (age <= 10) {
      lines.push(`${series("new-v2", "200")} ${age === 10 ? 2 : age === 5 ? 4 : 6} ${t}`);
      lines.push(`${series("new-v2", "503")} 1 ${t}`);
    }
  }
  lines.push("# EOF", "");
  return lines.join("\n");
}

const prometheus = startPrometheusForFile({ backfill: history });
const errorGate = deriveGates({ availability: 99.9, latencyP95Ms: 250 })[0] as GateOf<"errorRate">;

describe("analysis evidence counts", () => {
  it("counts errors and requests exactly, a young series whole and a reset series not at all", async () => {
    const client = createPrometheusClient({ baseUrl: prometheus.url });
    const evidence = await fetchAnalysisEvidence(
      client,
      [
        { targets: { namespace: "shop", stable: "api-v1", canary: "api-v2" }, gates: [errorGate], setWeight: 25 },
        { targets: { namespace: "shop", stable: "api-v1", canary: "new-v2" }, gates: [errorGate], setWeight: 25 },
      ],
      { time: new Date((END + 0.5) * 1000) },
    );
    const [canary, young] = evidence.map((gates) => gates[0]);
    // 20 s: four scrapes of 10 requests (2 per second x 5 s) and 2 errors, nothing extrapolated;
    // the scanned last 10 s and 5 s: two scrapes and one, the error of 10 s ago in the first.
    const recent = (ten: [number, number], five: [number, number]) => [
      { window: "10s", canary: { requests: ten[0], errors: ten[1] } },
      { window: "5s", canary: { requests: five[0], errors: five[1] } },
    ];
    expect(canary!.observation).toEqual({ status: "ok", data: { canary: { requests: 42, errors: 2 }, recent: recent([21, 1], [10, 0]) } });
    // The young series counts whole over 20 s; over 10 s and 5 s, only its growth since then.
    expect(young!.observation).toEqual({ status: "ok", data: { canary: { requests: 7, errors: 1 }, recent: recent([4, 0], [2, 0]) } });
  });
});
