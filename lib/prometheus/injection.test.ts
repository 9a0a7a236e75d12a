import { describe, expect, it } from "vitest";
import { startPrometheusForFile } from "../../test/prometheus";
import { AppError } from "../app-error";
import { createPrometheusClient } from "./client";
import { fetchOverviewBurnRates } from "./fetch-overview-burn-rates";
import { fetchOverviewSlis } from "./fetch-overview-slis";
import { fetchRolloutSeries } from "./fetch-rollout-series";
import { vectorOf } from "./results";
import { selectorMatchers } from "./selector";
import { requestsExpr } from "./sli-queries";
import { CHECKOUT, checkoutHistory, WEIRD_WORKLOADS } from "./test-support";

/*
 * Hostile workload names against a real Prometheus. The history also holds workloads really
 * named `x\"` and "line<newline>break", so escaping is shown to select exactly them, not just
 * to fail closed.
 */
const END = Math.floor(Date.now() / 60_000) * 60 - 60;
const prometheus = startPrometheusForFile({ backfill: () => checkoutHistory({ endSeconds: END }) });
const client = () => createPrometheusClient({ baseUrl: prometheus.url });
const time = new Date(END * 1000);

async function requestRatesFor(value: string): Promise<Record<string, string>[]> {
  const expr = requestsExpr({ matchers: selectorMatchers({ namespace: "shop", value }), by: ["destination_workload"], window: "5m" });
  const result = vectorOf(await client().query(expr, { time }), prometheus.url);
  return result.map(({ metric, value: [, v] }) => ({ ...metric, rate: v }));
}

const HOSTILE = ['a"}or vector(1)#', 'a"} or on() vector(1) or x{a="', "x\\", "x", ".*", "checkout-.*", "line", "\n", "checkout-stable\n"];

describe("hostile workload names against a real Prometheus", () => {
  it.each(HOSTILE)("%j selects nothing", async (name) => {
    expect(await requestRatesFor(name)).toEqual([]);
  });

  it("selects the workloads whose names really contain a quote, backslash or newline", async () => {
    expect(await requestRatesFor(WEIRD_WORKLOADS.quoteAndBackslash)).toEqual([{ destination_workload: 'x\\"', rate: "3" }]);
    expect(await requestRatesFor(WEIRD_WORKLOADS.newline)).toEqual([{ destination_workload: "line\nbreak", rate: "4" }]);
  });

  it("keeps hostile names inert in the overview's regex alternations", async () => {
    const results = await fetchOverviewSlis(
      client(),
      [
        { namespace: "shop", stable: ".*", canary: 'a"}or vector(1)#' },
        { namespace: ".*", stable: "checkout-.*", canary: "checkout-canary|checkout-other" },
        { namespace: "shop", stable: WEIRD_WORKLOADS.newline, canary: WEIRD_WORKLOADS.quoteAndBackslash },
      ],
      { time },
    );
    expect(results[0]).toMatchObject({ canary: { requestRate: null, errorRate: null, p95Ms: null }, stable: { requestRate: null }, split: null });
    expect(results[1]).toMatchObject({ canary: { requestRate: null }, stable: { requestRate: null }, split: null });
    // 3 / (3 + 4)
    expect(results[2]?.split).toBeCloseTo(3 / 7, 9);
    expect(results[2]?.canary.errorRate).toBe(0);
  });

  it("keeps hostile names inert in the overview's burn-rate windows", async () => {
    const results = await fetchOverviewBurnRates(
      client(),
      [
        { namespace: "shop", stable: ".*", canary: 'a"}or vector(1)#' },
        { namespace: ".*", stable: "checkout-.*", canary: "checkout-canary|checkout-other" },
        { namespace: "shop", stable: WEIRD_WORKLOADS.newline, canary: WEIRD_WORKLOADS.quoteAndBackslash },
      ],
      { time },
    );
    expect(Object.values(results[0]?.service.requests ?? {}).every((v) => v === null)).toBe(true);
    expect(Object.values(results[1]?.service.errorRatio ?? {}).every((v) => v === null)).toBe(true);
    // (3 + 4) req/s over 5 minutes, no 5xx series at all: ratio 0, not unknown
    expect(results[2]?.service.requests["5m"]).toBeCloseTo(7 * 300, 6);
    expect(results[2]?.canary.errorRatio["1h"]).toBe(0);
  });

  it("keeps hostile names inert in range queries", async () => {
    const series = await fetchRolloutSeries(client(), {
      namespace: "shop",
      stable: "checkout-stable",
      canary: 'a"}or vector(1)#',
      start: new Date((END - 600) * 1000),
      end: time,
      stepSeconds: 60,
    });
    expect(series.canary.requestRate.every((p) => p.v === null)).toBe(true);
    expect(series.stable.requestRate.at(-1)?.v).toBeCloseTo(10, 9);
    expect(series.split.at(-1)?.v).toBe(0);
  });
});

describe("label overrides are validated before any query", () => {
  const cases: [string, Parameters<typeof fetchOverviewSlis>[1][number], string][] = [
    ["a label with a dash", { ...CHECKOUT, label: "destination-version" }, "label"],
    ["a label starting with a digit", { ...CHECKOUT, label: "0version" }, "label"],
    ["a label carrying PromQL", { ...CHECKOUT, label: 'destination_workload="x"} or vector(1) or x{a' }, "label"],
    ["a reserved label", { ...CHECKOUT, label: "__name__" }, "label"],
    ["a label the queries set themselves", { ...CHECKOUT, label: "reporter" }, "label"],
    ["an extra matcher with a bad name", { ...CHECKOUT, extraMatchers: { "bad name": "x" } }, "extraMatchers"],
    ["an empty workload", { ...CHECKOUT, canary: "" }, "canary"],
    ["the same workload twice", { ...CHECKOUT, canary: CHECKOUT.stable }, "canary"],
  ];

  it.each(cases)("refuses %s with VALIDATION naming the field", async (_what, rollout, field) => {
    let calls = 0;
    const counting = createPrometheusClient({ baseUrl: prometheus.url, fetchImpl: (...args) => (calls++, fetch(...args)) });
    const overview = fetchOverviewSlis(counting, [CHECKOUT, rollout], { time });
    await expect(overview).rejects.toBeInstanceOf(AppError);
    await expect(overview).rejects.toMatchObject({ code: "VALIDATION" });
    const error = (await overview.catch((e: unknown) => e)) as AppError;
    expect(Object.keys(error.fields ?? {}).some((key) => key.startsWith(`rollouts.1.${field}`))).toBe(true);

    await expect(fetchOverviewBurnRates(counting, [CHECKOUT, rollout], { time })).rejects.toMatchObject({ code: "VALIDATION" });

    const series = fetchRolloutSeries(counting, { ...rollout, start: new Date((END - 600) * 1000), end: time, stepSeconds: 60 });
    await expect(series).rejects.toMatchObject({ code: "VALIDATION" });
    const seriesError = (await series.catch((e: unknown) => e)) as AppError;
    expect(Object.keys(seriesError.fields ?? {}).some((key) => key.startsWith(field))).toBe(true);
    expect(calls).toBe(0);
  });
});
