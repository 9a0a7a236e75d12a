import { z } from "zod";
import { ARGUMENT_NAME, BUILT_IN_ARGUMENTS, durationSeconds, malformedPlaceholders, unknownArguments } from "../promql-template";

/** The zod pieces gate kinds are built from, so every kind words the same field the same way. */

export const MIN_WINDOW_SECONDS = 10;
export const MAX_WINDOW_SECONDS = 24 * 3600;

export const int = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });

export const positive = (what: string) => z.number({ error: `${what} must be a number` }).positive({ error: `${what} must be above 0` });
export const nonNegative = (what: string) => z.number({ error: `${what} must be a number` }).min(0, { error: `${what} must not be negative` });

const window = (fallback: string) =>
  z
    .string({ error: "window must be a duration such as 30s or 1m" })
    .refine((text) => durationSeconds(text) !== null, { error: "window must be a PromQL duration such as 30s, 1m or 1h30m" })
    .refine(
      (text) => {
        const seconds = durationSeconds(text) ?? 0;
        return seconds >= MIN_WINDOW_SECONDS && seconds <= MAX_WINDOW_SECONDS;
      },
      { error: `window must be between ${MIN_WINDOW_SECONDS}s and 24h: rate() needs at least two scrapes in it` },
    )
    .default(fallback);

export const confidence = (fallback: number) =>
  z
    .number({ error: "confidence must be a number between 0.5 and 0.999999" })
    .min(0.5, { error: "confidence must be at least 0.5" })
    .max(0.999999, { error: "confidence must be at most 0.999999" })
    .default(fallback);

const gateName = z
  .string({ error: "name must be a string" })
  .min(1, { error: "name must not be empty" })
  .max(63, { error: "name must be at most 63 characters" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, { error: "name may contain letters, digits, spaces, '_', '.' and '-' only" })
  .optional();

export type CommonDefaults = { window: string; failureLimit: number; minRequests: number };

export const common = (defaults: CommonDefaults) => ({
  name: gateName,
  window: window(defaults.window),
  failureLimit: int("failureLimit", 1, 100).default(defaults.failureLimit),
  minRequests: int("minRequests", 0, 10_000_000).default(defaults.minRequests),
});

/** Absolute (`max`, `min`) and stable-relative (`maxIncrease`, `maxRatio`) limits; at least one. */
export const limits = (unit: string) => ({
  max: nonNegative(`max (${unit})`).optional(),
  min: nonNegative(`min (${unit})`).optional(),
  maxIncrease: nonNegative(`maxIncrease (${unit})`).optional(),
  maxRatio: positive("maxRatio").optional(),
});

export type Limits = { max?: number; min?: number; maxIncrease?: number; maxRatio?: number };
export const hasLimit = (gate: Limits) => [gate.max, gate.min, gate.maxIncrease, gate.maxRatio].some((v) => v !== undefined);
export const needsLimit = { error: "give at least one limit: max, min, maxIncrease or maxRatio" };

export const argumentsSchema = z
  .record(z.string().regex(ARGUMENT_NAME, { error: "argument names are letters, digits and '_'" }), z.string().max(1024))
  .refine((args) => Object.keys(args).every((name) => !(BUILT_IN_ARGUMENTS as readonly string[]).includes(name)), {
    error: `arguments may not redefine ${BUILT_IN_ARGUMENTS.join(", ")}`,
  })
  .default({});

export const template = z.string({ error: "query must be a PromQL template" }).min(1, { error: "query must not be empty" }).max(4096);

/** The promql-template rules: no malformed placeholder, no argument neither built in nor declared. */
export function checkTemplate(query: string, args: Record<string, string>, ctx: z.RefinementCtx, path: (string | number)[]) {
  if (malformedPlaceholders(query)) ctx.addIssue({ code: "custom", path, message: "query has a malformed {{placeholder}}" });
  const unknown = unknownArguments(query, Object.keys(args));
  if (unknown.length > 0) {
    ctx.addIssue({
      code: "custom",
      path,
      message: `query refers to unknown argument${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `{{${n}}}`).join(", ")}`,
    });
  }
}

/** A template measures both sides when it names {{target}}: the loop sends it for the canary and for stable. */
export const usesTarget = (query: string) => /\{\{\s*target\s*\}\}/.test(query);
