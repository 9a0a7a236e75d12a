import type { z } from "zod";
import { AppError } from "../app-error";

/** Turns zod issues into `{ "steps.1.weight": "message" }`, first message per field wins. */
export function fieldErrorsFrom(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = [...issue.path, key].join(".");
        fields[path] ??= `unknown field "${key}"`;
      }
      continue;
    }
    const path = issue.path.length > 0 ? issue.path.join(".") : "(body)";
    fields[path] ??= issue.message;
  }
  return fields;
}

export function summarize(fields: Record<string, string>): string {
  const entries = Object.entries(fields);
  const [first] = entries;
  if (!first) return "the request is invalid";
  const more = entries.length > 1 ? ` (and ${entries.length - 1} more)` : "";
  return `${first[0]}: ${first[1]}${more}`;
}

/** The VALIDATION error for a failed parse: a summary and every bad field by its path. */
export function validationError(error: z.ZodError): AppError {
  const fields = fieldErrorsFrom(error);
  return new AppError("VALIDATION", summarize(fields), { fields });
}

/** Parses untrusted input or throws the VALIDATION error naming each bad field: zod at a trust boundary, in one line. */
export function parse<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}
