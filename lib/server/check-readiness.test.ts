import { afterEach, describe, expect, it, vi } from "vitest";
import { checkReadiness } from "./check-readiness";
import type { Deps } from "../composition/deps";

afterEach(() => vi.restoreAllMocks());

const withDb = (queryRaw: () => Promise<unknown>) => () => ({ db: { $queryRaw: queryRaw } }) as unknown as Deps;
/** What reached the server log (lib/log.ts writes warnings and errors as JSON lines to stderr), as text. */
const loggedText = (logged: { mock: { calls: unknown[][] } }) =>
  logged.mock.calls
    .flat()
    .map((line) => Object.values(JSON.parse(String(line)) as Record<string, unknown>).join(" "))
    .join(" ");

describe("checkReadiness", () => {
  it("says only 'database unreachable' to the caller; the driver's message, hosts and users included, goes to the log", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const detail = 'password authentication failed for user "aviary_admin" at db-primary.internal.corp:5432';
    const report = await checkReadiness(withDb(() => Promise.reject(new Error(detail))));
    expect(report).toEqual({ status: "not_ready", checks: { database: { ok: false, reason: "database unreachable" } } });
    expect(JSON.stringify(report)).not.toMatch(/aviary_admin|internal\.corp|5432/);
    expect(loggedText(logged)).toContain(detail);
    // The same failure again is not logged again (probes come every few seconds).
    await checkReadiness(withDb(() => Promise.reject(new Error(detail))));
    expect(logged).toHaveBeenCalledTimes(1);
  });

  it("hides a configuration error the same way", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const report = await checkReadiness(() => {
      throw new Error("Invalid environment: DATABASE_URL: postgres://admin:hunter2@db/aviary is not valid");
    });
    expect(report.checks.database).toEqual({ ok: false, reason: "the server is misconfigured; see the server log" });
  });

  it("masks a password the driver's message carries before it reaches the log", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const detail = "connect ECONNREFUSED for postgres://aviary_app:hunter2-secret@db-primary:5432/aviary";
    await checkReadiness(withDb(() => Promise.reject(new Error(detail))));
    const text = loggedText(logged);
    expect(text).toContain("postgres://aviary_app:[redacted]@db-primary:5432/aviary");
    expect(text).not.toContain("hunter2-secret");
  });

  it("reports ready with the latency", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const report = await checkReadiness(withDb(() => Promise.resolve([{ "?column?": 1 }])));
    expect(report).toMatchObject({ status: "ready", checks: { database: { ok: true } } });
  });
});
