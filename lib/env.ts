import { z } from "zod";
import { parseEgressPolicy } from "./domain/egress/policy";

/** A comma-separated list of CIDRs and host patterns, each entry checked (a bad one stops start-up naming it). */
function egressList(variable: "AVIARY_EGRESS_ALLOW" | "AVIARY_EGRESS_DENY") {
  return z
    .string()
    .max(10_000, { error: `${variable} must be at most 10000 characters` })
    .optional()
    .superRefine((text, ctx) => {
      const { problems } = parseEgressPolicy(variable === "AVIARY_EGRESS_ALLOW" ? { allow: text } : { deny: text });
      for (const problem of problems) ctx.addIssue({ code: "custom", message: `${problem.entry}: ${problem.message}` });
    });
}

/**
 * Server configuration, validated once. A bad value stops start-up with the variable's name
 * instead of surfacing later as a confusing runtime failure. README.md's table lists these.
 */
const serverEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: "DATABASE_URL must be a postgres:// or postgresql:// URL" })
    .optional(),
  // The owner role that runs migrations; DATABASE_URL's user is then granted only what the app needs.
  AVIARY_MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: "AVIARY_MIGRATION_DATABASE_URL must be a postgres:// or postgresql:// URL" })
    .optional(),
  AVIARY_DATA_DIR: z.string().min(1).default(".data"),
  AVIARY_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** How often the audit chain's head is written to the log (when it moved). */
  AVIARY_AUDIT_HEAD_LOG_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Refused requests (403) per actor: one audit event per window and key, 429 past the limit. */
  AVIARY_REFUSAL_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
  AVIARY_REFUSAL_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10),
  /** The bearer token a Prometheus scraper sends to GET /metrics (Aviary's own metrics). Unset: /metrics answers 404. */
  AVIARY_METRICS_TOKEN: z
    .string()
    .min(16, { error: "AVIARY_METRICS_TOKEN must be at least 16 characters (e.g. `openssl rand -hex 32`)" })
    .regex(/^[\x21-\x7e]+$/, { error: "AVIARY_METRICS_TOKEN must be printable ASCII without spaces" })
    .optional(),
  /** The demo's sandbox mesh admin API (set by the demo stack): lets the demo page break a canary on purpose. */
  AVIARY_SANDBOX_MESH_ADMIN_URL: z.url({ protocol: /^http$/, error: "AVIARY_SANDBOX_MESH_ADMIN_URL must be an http:// URL" }).optional(),
  /** The analysis loop (one leader among the replicas): "off" stops it in this process. */
  AVIARY_ANALYSIS: z.enum(["on", "off"], { error: 'AVIARY_ANALYSIS must be "on" or "off"' }).default("on"),
  /** How long gate evaluations are kept. */
  AVIARY_ANALYSIS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(14),
  /** Prometheus queries one analysis pass may send (lib/domain/analysis/query-budget.ts); due rollouts that do not fit wait for the next pass. */
  AVIARY_ANALYSIS_QUERY_BUDGET: z.coerce
    .number({ error: "AVIARY_ANALYSIS_QUERY_BUDGET must be a number" })
    .int({ error: "AVIARY_ANALYSIS_QUERY_BUDGET must be a whole number" })
    .min(10, { error: "AVIARY_ANALYSIS_QUERY_BUDGET must be at least 10" })
    .max(100_000, { error: "AVIARY_ANALYSIS_QUERY_BUDGET must be at most 100000" })
    .default(200),
  /** The external origin, for links in notifications (sign-in validates it further). */
  AVIARY_PUBLIC_URL: z.url({ protocol: /^https?$/, error: "AVIARY_PUBLIC_URL must be an http:// or https:// URL" }).optional(),
  /** The egress policy (lib/domain/egress/policy.ts): what checks and webhooks may reach besides the built-in refusals. */
  AVIARY_EGRESS_ALLOW: egressList("AVIARY_EGRESS_ALLOW"),
  AVIARY_EGRESS_DENY: egressList("AVIARY_EGRESS_DENY"),
  /** Notifications (lib/server/notifications): "off" keeps this process from dispatching them. */
  AVIARY_NOTIFICATIONS: z.enum(["on", "off"], { error: 'AVIARY_NOTIFICATIONS must be "on" or "off"' }).default("on"),
  /** Global destinations: a Slack-compatible incoming webhook and a generic webhook signed with the secret. */
  AVIARY_NOTIFY_SLACK_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: "AVIARY_NOTIFY_SLACK_WEBHOOK_URL must be an http:// or https:// URL" }).optional(),
  AVIARY_NOTIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: "AVIARY_NOTIFY_WEBHOOK_URL must be an http:// or https:// URL" }).optional(),
  AVIARY_NOTIFY_WEBHOOK_SECRET: z.string().min(16, { error: "AVIARY_NOTIFY_WEBHOOK_SECRET must be at least 16 characters" }).optional(),
  AVIARY_NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  AVIARY_NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** How long a rollout may wait for a person (paused, or a step waiting for promotion) before that is announced. */
  AVIARY_NOTIFY_WAITING_MINUTES: z.coerce.number().int().min(1).max(10_080).default(30),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

export type Env = Record<string, string | undefined>;

/**
 * The process environment. This module is the app's one door to it: configuration parsers
 * (auth, Prometheus, clusters, the audit key, notifications) take an Env and default to this one.
 * The app parses it once, in lib/composition/app-config.ts, and hands the result around (deps.config);
 * tests and scripts hand the parsers, or the container, another.
 */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}

/** The database every server module uses; a named error when the launcher did not provide it. */
export function databaseUrl(env: Env = processEnv()): string {
  return requireDatabaseUrl(parseServerEnv(env).DATABASE_URL);
}

export function requireDatabaseUrl(url: string | undefined): string {
  if (!url) throw new Error("DATABASE_URL is not set: start Aviary through `npm run dev`, `npm start` or `npm run demo`, which provide it");
  return url;
}

export function parseServerEnv(source: Env = processEnv()): ServerEnv {
  const result = serverEnvSchema.safeParse(source);
  if (result.success) return result.data;
  throw configurationError(problemsOf(result.error.issues));
}

/** One thing wrong with the configuration: the variable (with the path inside a JSON value) and what. */
export type EnvProblem = { variable: string; message: string };

/**
 * zod issues as problems, each named by its path: the variable for a schema over the environment,
 * or `prefix.path` for one over a variable's JSON value (AVIARY_CLUSTERS.eu.kubeconfig).
 */
export function problemsOf(issues: readonly z.core.$ZodIssue[], prefix?: string): EnvProblem[] {
  return issues.map((issue) => ({ variable: [prefix, ...issue.path.map(String)].filter(Boolean).join("."), message: issue.message }));
}

/**
 * The one text for refused configuration, whichever parser refused it (server, sign-in,
 * Prometheus, clusters, audit key, notifications): a title, then "  NAME: what is wrong" per line,
 * so an operator reads every problem at once and each names the variable to fix.
 */
export function configurationError(problems: readonly EnvProblem[], title = "Invalid environment"): Error {
  return new Error(`${title}:\n${problems.map(({ variable, message }) => `  ${variable}: ${message}`).join("\n")}`);
}
