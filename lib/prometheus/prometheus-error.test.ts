import { describe, expect, it, vi } from "vitest";
import { AppError } from "../app-error";
import { PrometheusError } from "./prometheus-error";

const url = "http://prometheus:9090";
const failure = (kind: PrometheusError["kind"], httpStatus?: number) =>
  new PrometheusError({ kind, url, httpStatus, message: `Prometheus at ${url}: ${kind}` });

describe("Prometheus failures as API errors", () => {
  it.each([
    ["unreachable", undefined, "METRICS_UNAVAILABLE", 503, "transient"],
    ["timeout", undefined, "METRICS_UNAVAILABLE", 503, "transient"],
    ["busy", undefined, "METRICS_UNAVAILABLE", 503, "transient"],
    ["http", 504, "METRICS_UNAVAILABLE", 503, "transient"],
    ["http", 401, "METRICS_ERROR", 502, "final"],
    ["bad_response", 200, "METRICS_ERROR", 502, "final"],
    ["too_large", 200, "METRICS_ERROR", 502, "final"],
    ["query", 422, "METRICS_ERROR", 502, "final"],
  ] as const)("%s (HTTP %s) answers %s", (kind, httpStatus, code, status, retry) => {
    const error = failure(kind, httpStatus);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code, status, retry, message: `Prometheus at ${url}: ${kind}` });
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
