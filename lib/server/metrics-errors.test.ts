import { describe, expect, it, vi } from "vitest";
import { AppError } from "../app-error";
import { PrometheusError } from "../prometheus/prometheus-error";
import { toMetricsError } from "./metrics-errors";

const url = "http://prometheus:9090";
const failure = (kind: PrometheusError["kind"], httpStatus?: number) =>
  new PrometheusError({ kind, url, httpStatus, message: `Prometheus at ${url}: ${kind}` });

describe("Prometheus failures as API errors", () => {
  it.each([
    ["unreachable", undefined, "METRICS_UNAVAILABLE", 503],
    ["timeout", undefined, "METRICS_UNAVAILABLE", 503],
    ["http", 504, "METRICS_UNAVAILABLE", 503],
    ["http", 401, "METRICS_ERROR", 502],
    ["bad_response", 200, "METRICS_ERROR", 502],
    ["query", 422, "METRICS_ERROR", 502],
  ] as const)("%s (HTTP %s) becomes %s", (kind, httpStatus, code, status) => {
    const error = toMetricsError(failure(kind, httpStatus));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code, status, message: `Prometheus at ${url}: ${kind}` });
  });

  it("recognises a PrometheusError built by another copy of the module (another bundle layer)", async () => {
    vi.resetModules();
    const { PrometheusError: OtherCopy } = await import("../prometheus/prometheus-error");
    expect(OtherCopy).not.toBe(PrometheusError);
    const foreign = new OtherCopy({ kind: "timeout", url, message: `Prometheus at ${url} did not answer within 5000 ms` });
    const error = toMetricsError(foreign);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "METRICS_UNAVAILABLE", status: 503 });
  });

  it("leaves other errors alone", () => {
    const validation = new AppError("VALIDATION", "bad");
    expect(toMetricsError(validation)).toBe(validation);
    const other = new Error("boom");
    expect(toMetricsError(other)).toBe(other);
  });
});
