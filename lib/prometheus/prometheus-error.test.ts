import { describe, expect, it, vi } from "vitest";
import { AppError } from "../app-error";
import { PrometheusError } from "./prometheus-error";

const url = "http://prometheus:9090";
const failure = (kind: PrometheusError["kind"], httpStatus?: number) =>
  new PrometheusError({ kind, url, httpStatus, message: `Prometheus at ${url}: ${kind}` });

describe("Prometheus failures as API errors", () => {
  it.each([
    ["unreachable", undefined, "METRICS_UNAVAILABLE", 503],
    ["timeout", undefined, "METRICS_UNAVAILABLE", 503],
    ["busy", undefined, "METRICS_UNAVAILABLE", 503],
    ["http", 504, "METRICS_UNAVAILABLE", 503],
    ["http", 401, "METRICS_ERROR", 502],
    ["bad_response", 200, "METRICS_ERROR", 502],
    ["too_large", 200, "METRICS_ERROR", 502],
    ["query", 422, "METRICS_ERROR", 502],
  ] as const)("%s (HTTP %s) answers %s", (kind, httpStatus, code, status) => {
    const error = failure(kind, httpStatus);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code, status, message: `Prometheus at ${url}: ${kind}` });
  });

  it("is recognised whichever copy of the module built it (another Next.js bundle layer)", async () => {
    vi.resetModules();
    const { PrometheusError: OtherCopy } = await import("./prometheus-error");
    expect(OtherCopy).not.toBe(PrometheusError);
    const foreign = new OtherCopy({ kind: "timeout", url, message: `Prometheus at ${url} did not answer within 5000 ms` });
    expect(foreign).toBeInstanceOf(PrometheusError);
    expect(foreign).toBeInstanceOf(AppError);
    expect(foreign).toMatchObject({ code: "METRICS_UNAVAILABLE", status: 503 });
  });

  it("is not confused with other errors", () => {
    expect(new AppError("VALIDATION", "bad")).not.toBeInstanceOf(PrometheusError);
    expect(new Error("boom")).not.toBeInstanceOf(PrometheusError);
  });
});
