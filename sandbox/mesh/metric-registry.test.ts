import { describe, expect, it } from "vitest";
import { ISTIO_DURATION_BUCKETS, MetricRegistry } from "./metric-registry";
import { parsePrometheusText, sumOf } from "./prometheus-text";
import { createRandom, logNormalFromPercentiles, sampleLatencyMs } from "./random";

describe("sandbox mesh (test double): metric registry", () => {
  it("renders counters, gauges and histograms that parse back, with escaped label values", () => {
    const registry = new MetricRegistry();
    const odd = { path: 'a"b\\c\nd' };
    registry.counter({ name: "requests_total", labels: odd }).inc(2);
    registry.counter({ name: "requests_total", labels: odd }).inc();
    registry.gauge({ name: "up", labels: {}, help: "1 when up" }).set(1);
    const h = registry.histogram({ name: "latency_ms", labels: { w: "x" }, buckets: [1, 10] });
    [0.5, 5, 5, 50].forEach((v) => h.observe(v));
    const text = registry.render();
    expect(text).toContain("# HELP up 1 when up\n# TYPE up gauge\nup 1\n");
    const parsed = parsePrometheusText(text);
    expect(sumOf(parsed, "requests_total", odd)).toBe(3);
    expect(parsed.samples.filter((s) => s.name === "latency_ms_bucket").map((s) => [s.labels.le, s.value])).toEqual([
      ["1", 1],
      ["10", 3],
      ["+Inf", 4],
    ]);
    expect(sumOf(parsed, "latency_ms_sum")).toBe(60.5);
    expect(sumOf(parsed, "latency_ms_count")).toBe(4);
    expect(parsed.types).toEqual(
      new Map([
        ["requests_total", "counter"],
        ["up", "gauge"],
        ["latency_ms", "histogram"],
      ]),
    );
  });

  it("keeps one aggregate per label set however many observations arrive", () => {
    const registry = new MetricRegistry();
    const h = registry.histogram({ name: "d", labels: { a: "1" }, buckets: ISTIO_DURATION_BUCKETS });
    for (let i = 0; i < 100_000; i++) h.observe(i % 700);
    expect(registry.render().split("\n").filter(Boolean)).toHaveLength(1 + ISTIO_DURATION_BUCKETS.length + 3);
  });

  it("refuses to decrease a counter or reuse a name with another type", () => {
    const registry = new MetricRegistry();
    expect(() => registry.counter({ name: "c", labels: {} }).inc(-1)).toThrow(/cannot decrease/);
    expect(() => registry.gauge({ name: "c", labels: {} })).toThrow(/already a counter/);
  });

  it("rejects malformed exposition text", () => {
    expect(() => parsePrometheusText('m{a="b} 1')).toThrow(/line 1/);
    expect(() => parsePrometheusText("m one")).toThrow(/bad value/);
  });
});

describe("sandbox mesh (test double): seeded sampling", () => {
  it("repeats the same sequence for the same seed", () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it("draws latencies whose median and 95th percentile match the profile", () => {
    const random = createRandom(1);
    const profile = { p50Ms: 40, p95Ms: 200 };
    expect(logNormalFromPercentiles(profile).sigma).toBeCloseTo(Math.log(5) / 1.645, 3);
    const samples = Array.from({ length: 20_000 }, () => sampleLatencyMs(random, profile)).sort((x, y) => x - y);
    // n = 20000: the sample quantiles are within a few percent of the true ones.
    expect(samples[10_000]).toBeGreaterThan(40 * 0.95);
    expect(samples[10_000]).toBeLessThan(40 * 1.05);
    expect(samples[19_000]).toBeGreaterThan(200 * 0.92);
    expect(samples[19_000]).toBeLessThan(200 * 1.08);
  });
});
