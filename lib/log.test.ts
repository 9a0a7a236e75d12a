import { describe, expect, it } from "vitest";
import { createLogger, REDACTED, redactText, type LogLevel } from "./log";

function capture() {
  const lines: { level: LogLevel; entry: Record<string, unknown>; raw: string }[] = [];
  const logger = createLogger({
    write: (level, line) => lines.push({ level, entry: JSON.parse(line), raw: line }),
    now: () => new Date("2026-01-02T03:04:05Z"),
  });
  return { logger, lines };
}

describe("the server log", () => {
  it("writes one JSON line with time, level, message, request id and fields", () => {
    const { logger, lines } = capture();
    logger.child({ requestId: "req-1" }).info("action done", { action: "rollback", durationMs: 12, big: 5n });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.raw).not.toContain("\n");
    expect(lines[0]).toMatchObject({
      level: "info",
      entry: { at: "2026-01-02T03:04:05.000Z", level: "info", msg: "action done", requestId: "req-1", action: "rollback", durationMs: 12, big: "5" },
    });
  });

  it("never writes a secret: credential-named fields at any depth, URL passwords, bearer and basic values, in errors too", () => {
    const { logger, lines } = capture();
    const error = new Error("connect to postgresql://aviary:s3cr3t-pw@db:5432/aviary failed");
    (error as Error & { cause?: unknown }).cause = { headers: { Authorization: "Bearer abc.def.ghi", Cookie: "aviary_session=xyz" } };
    logger.error("unexpected error", {
      requestId: "req-2",
      error,
      config: {
        DATABASE_URL: "postgres://app:hunter2@db/aviary",
        prometheus: { url: "https://user:pa55@prom.example/", bearerToken: "tok-123", password: "pw-456" },
        AVIARY_PROXY_SECRET: "proxy-secret-789",
        AVIARY_METRICS_TOKEN: "metrics-token-000",
        api_key: "key-111",
      },
      note: "sent Authorization: Basic dXNlcjpwYXNz and Bearer tok-222",
    });
    const raw = lines[0]!.raw;
    for (const secret of [
      "s3cr3t-pw",
      "hunter2",
      "pa55",
      "tok-123",
      "pw-456",
      "proxy-secret-789",
      "metrics-token-000",
      "key-111",
      "abc.def.ghi",
      "xyz",
      "dXNlcjpwYXNz",
      "tok-222",
    ]) {
      expect(raw, secret).not.toContain(secret);
    }
    const entry = lines[0]!.entry as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- inspecting the written JSON
    expect(entry.level).toBe("error");
    expect(entry.requestId).toBe("req-2");
    expect(entry.error.message).toBe(`connect to postgresql://aviary:${REDACTED}@db:5432/aviary failed`);
    expect(entry.error.stack).toContain("log.test.ts");
    expect(entry.error.cause.headers).toEqual({ Authorization: REDACTED, Cookie: REDACTED });
    expect(entry.config.DATABASE_URL).toBe(`postgres://app:${REDACTED}@db/aviary`);
    expect(entry.config.prometheus).toEqual({ url: `https://user:${REDACTED}@prom.example/`, bearerToken: REDACTED, password: REDACTED });
    // What is not a secret stays readable.
    expect(redactText("GET http://prometheus:9090/api/v1/query took 12 ms")).toBe("GET http://prometheus:9090/api/v1/query took 12 ms");
  });

  it("copes with cycles and sends warnings and errors to stderr's writer level", () => {
    const { logger, lines } = capture();
    const loop: Record<string, unknown> = { name: "a" };
    loop.self = loop;
    logger.warn("odd", { loop });
    expect(lines[0]!.entry).toMatchObject({ level: "warn", loop: { name: "a", self: "[circular]" } });
  });
});
