import { z } from "zod";

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
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

export function parseServerEnv(source: Record<string, string | undefined> = process.env): ServerEnv {
  const result = serverEnvSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
  throw new Error(`Invalid environment:\n${problems.join("\n")}`);
}
