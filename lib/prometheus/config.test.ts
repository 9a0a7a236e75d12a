import { describe, expect, it } from "vitest";
import { prometheusFromEnv } from "./config";

describe("Prometheus configuration from the environment", () => {
  it("limits concurrent queries to 8 unless told otherwise", () => {
    expect(prometheusFromEnv({}).load()).toEqual({ inFlight: 0, queued: 0, limit: 8 });
    expect(prometheusFromEnv({ AVIARY_PROMETHEUS_MAX_CONCURRENCY: "2" }).load().limit).toBe(2);
  });

  it.each([
    [{ AVIARY_PROMETHEUS_MAX_CONCURRENCY: "0" }, "AVIARY_PROMETHEUS_MAX_CONCURRENCY: AVIARY_PROMETHEUS_MAX_CONCURRENCY must be at least 1"],
    [{ AVIARY_PROMETHEUS_MAX_CONCURRENCY: "lots" }, "AVIARY_PROMETHEUS_MAX_CONCURRENCY: AVIARY_PROMETHEUS_MAX_CONCURRENCY must be a number"],
    [
      { AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES: "1000" },
      "AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES: AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES must be at least 65536 (64 KiB)",
    ],
    [{ AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES: "100000.5" }, "AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES: AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES must be a whole number"],
  ])("names the variable when %j is wrong", (env, message) => {
    expect(() => prometheusFromEnv(env)).toThrow(message);
  });
});
