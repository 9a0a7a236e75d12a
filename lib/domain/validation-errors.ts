import type { z } from "zod";

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
