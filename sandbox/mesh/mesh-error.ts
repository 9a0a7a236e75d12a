// The admin API's one error type, shaped like Aviary's AppError responses:
// {error: {code, message, fields?}} with fields mapping a body path to its problem.
import type { z } from "zod";

const STATUS = { VALIDATION: 400, NOT_FOUND: 404, METHOD_NOT_ALLOWED: 405 } as const;

export class MeshError extends Error {
  constructor(
    readonly code: keyof typeof STATUS,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = "MeshError";
  }

  get status(): number {
    return STATUS[this.code];
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.fields && { fields: this.fields }) } };
  }
}

/** Names every offending field, including unknown keys, which zod reports on the parent. */
export function validationError(error: z.ZodError, what: string): MeshError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const keys = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const key of keys) fields[key.map(String).join(".") || "(body)"] ??= issue.code === "unrecognized_keys" ? "unknown field" : issue.message;
  }
  const summary = Object.entries(fields)
    .map(([field, problem]) => `${field}: ${problem}`)
    .join("; ");
  return new MeshError("VALIDATION", `invalid ${what}: ${summary}`, fields);
}
