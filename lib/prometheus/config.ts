import { z } from "zod";
import { createPrometheusClient, type PrometheusCallObserver, type PrometheusClient, type PrometheusClientOptions } from "./client";
import { configurationError, problemsOf, processEnv, type Env } from "../env";

/**
 * Where Aviary reads SLIs. README.md's configuration table lists these variables.
 *   AVIARY_PROMETHEUS_URL            base URL, may carry a path prefix (Thanos, Mimir, VictoriaMetrics)
 *   AVIARY_PROMETHEUS_TIMEOUT_MS     per query (default 5000); Prometheus' own `timeout` is sent at 90% of it
 *   AVIARY_PROMETHEUS_MAX_CONCURRENCY   queries in flight at once, all callers together (default 8)
 *   AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES  larger answers are refused unread (default 8 MiB)
 *   AVIARY_PROMETHEUS_BEARER_TOKEN   or AVIARY_PROMETHEUS_USERNAME + AVIARY_PROMETHEUS_PASSWORD
 */
const prometheusEnvSchema = z
  .object({
    AVIARY_PROMETHEUS_URL: z.url({ protocol: /^https?$/, error: "AVIARY_PROMETHEUS_URL must be an http(s) URL" }).default("http://127.0.0.1:9090"),
    AVIARY_PROMETHEUS_TIMEOUT_MS: z.coerce.number({ error: "AVIARY_PROMETHEUS_TIMEOUT_MS must be a number" }).int().min(100).max(120_000).default(5000),
    AVIARY_PROMETHEUS_MAX_CONCURRENCY: z.coerce
      .number({ error: "AVIARY_PROMETHEUS_MAX_CONCURRENCY must be a number" })
      .int({ error: "AVIARY_PROMETHEUS_MAX_CONCURRENCY must be a whole number" })
      .min(1, { error: "AVIARY_PROMETHEUS_MAX_CONCURRENCY must be at least 1" })
      .max(256, { error: "AVIARY_PROMETHEUS_MAX_CONCURRENCY must be at most 256" })
      .default(8),
    AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES: z.coerce
      .number({ error: "AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES must be a number" })
      .int({ error: "AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES must be a whole number" })
      .min(65_536, { error: "AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES must be at least 65536 (64 KiB)" })
      .max(1_073_741_824, { error: "AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES must be at most 1073741824 (1 GiB)" })
      .default(8 * 1024 * 1024),
    AVIARY_PROMETHEUS_BEARER_TOKEN: z.string().min(1).optional(),
    AVIARY_PROMETHEUS_USERNAME: z.string().min(1).optional(),
    AVIARY_PROMETHEUS_PASSWORD: z.string().optional(),
  })
  .refine((env) => !(env.AVIARY_PROMETHEUS_BEARER_TOKEN && env.AVIARY_PROMETHEUS_USERNAME), {
    error: "set either AVIARY_PROMETHEUS_BEARER_TOKEN or AVIARY_PROMETHEUS_USERNAME, not both",
    path: ["AVIARY_PROMETHEUS_BEARER_TOKEN"],
  });

/** The client's settings, validated once (lib/config.ts); what createPrometheusClient is built from. */
export type PrometheusSettings = Omit<PrometheusClientOptions, "observe" | "fetchImpl" | "headers">;

export function parsePrometheusConfig(env: Env = processEnv()): PrometheusSettings {
  const result = prometheusEnvSchema.safeParse(env);
  if (!result.success) throw configurationError(problemsOf(result.error.issues));
  const config = result.data;
  return {
    baseUrl: config.AVIARY_PROMETHEUS_URL,
    timeoutMs: config.AVIARY_PROMETHEUS_TIMEOUT_MS,
    maxConcurrency: config.AVIARY_PROMETHEUS_MAX_CONCURRENCY,
    maxResponseBytes: config.AVIARY_PROMETHEUS_MAX_RESPONSE_BYTES,
    auth: config.AVIARY_PROMETHEUS_BEARER_TOKEN
      ? { type: "bearer", token: config.AVIARY_PROMETHEUS_BEARER_TOKEN }
      : config.AVIARY_PROMETHEUS_USERNAME
        ? { type: "basic", username: config.AVIARY_PROMETHEUS_USERNAME, password: config.AVIARY_PROMETHEUS_PASSWORD ?? "" }
        : undefined,
  };
}

/** Scripts and tests that want a client straight from an environment; the app builds its own from deps.config. */
export function prometheusFromEnv(env: Env = processEnv(), { observe }: { observe?: PrometheusCallObserver } = {}): PrometheusClient {
  return createPrometheusClient({ ...parsePrometheusConfig(env), observe });
}
