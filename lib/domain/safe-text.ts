import { z } from "zod";

/**
 * Free text that Aviary stores and hashes into the audit log must survive the trip unchanged.
 * PostgreSQL refuses NUL; a lone UTF-16 surrogate cannot be encoded as UTF-8 (the driver would
 * store U+FFFD instead); other control characters hide text from the person reading the log.
 * Such text is refused with a message naming the problem, never altered silently.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// C0 controls but tab and newline, DEL, and C1 controls.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
const CONTROL_ONE_LINE = /[\u0000-\u001F\u007F-\u009F]/;

export function textProblem(text: string, { multiline = false }: { multiline?: boolean } = {}): string | null {
  if (text.includes("\u0000")) return "must not contain NUL (\\u0000)";
  if (LONE_SURROGATE.test(text)) return "must be valid Unicode (it holds a lone UTF-16 surrogate)";
  const control = (multiline ? CONTROL : CONTROL_ONE_LINE).exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, "0");
    return `must not contain control characters${multiline ? " other than tab and newline" : ""} (found \\u${code})`;
  }
  return null;
}

/** A zod string refused when textProblem finds one; `what` starts the message ("reason"). */
export function safeText(what: string, options: { multiline?: boolean } = {}) {
  return z.string({ error: `${what} must be a string` }).superRefine((text, context) => {
    const problem = textProblem(text, options);
    if (problem) context.addIssue({ code: "custom", message: `${what} ${problem}` });
  });
}

/** zod's message for a missing field or one of the wrong type, naming the field. */
export const typed = (what: string, kind: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? `${what} is required` : `${what} must be ${kind}`),
});

/** One line of text that the audit log can store as is: required, trimmed, at most `max` characters. */
export const shortText = (what: string, max: number) =>
  z
    .string(typed(what, "a string"))
    .trim()
    .min(1, { error: `${what} is required` })
    .max(max, { error: `${what} must be at most ${max} characters` })
    .superRefine((text, ctx) => {
      const problem = textProblem(text);
      if (problem) ctx.addIssue({ code: "custom", message: `${what} ${problem}` });
    });
