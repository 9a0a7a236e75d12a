/**
 * Custom PromQL gates are templates with named arguments: `{{name}}`. An argument is never pasted
 * as PromQL: it becomes one double-quoted string literal, escaped as PromQL (Go) unquotes it, so
 * `rate(x{workload={{canary}}}[{{window}}])` with a workload called `a"}or vector(1)#` selects
 * nothing. `{{window}}` is the one exception: a duration, checked against the grammar.
 */

/**
 * Arguments every template may use; the loop fills them for each rollout. `target` is the
 * workload being measured: the canary, and the stable workload when a gate compares the two.
 */
export const BUILT_IN_ARGUMENTS = ["namespace", "canary", "stable", "target", "window"] as const;
export type BuiltInArgument = (typeof BUILT_IN_ARGUMENTS)[number];

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
export const ARGUMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** "1m30s" -> 90; null for anything that is not a PromQL duration. */
export function durationSeconds(text: string): number | null {
  if (!DURATION.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)) total += Number(amount) * (UNIT_SECONDS[unit ?? "s"] ?? 0);
  return total;
}

/**
 * The inside of a double-quoted PromQL string: backslash, quote and control characters escaped.
 * A lone UTF-16 surrogate cannot be a label value at all and is refused.
 */
export function escapePromqlString(value: string): string {
  let out = "";
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "\\") out += "\\\\";
    else if (char === '"') out += '\\"';
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code >= 0xd800 && code <= 0xdfff) throw new RangeError("the value contains a lone UTF-16 surrogate, which no label value can hold");
    else out += char;
  }
  return out;
}

/** A complete PromQL string literal for a label value. */
export function promqlLiteral(value: string): string {
  return `"${escapePromqlString(value)}"`;
}

/** The argument names a template refers to, in order of first use. */
export function templateArguments(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ""))];
}

/** Names the template uses that are neither built in nor declared: each is a reason to refuse it. */
export function unknownArguments(template: string, declared: readonly string[]): string[] {
  const known = new Set<string>([...BUILT_IN_ARGUMENTS, ...declared]);
  return templateArguments(template).filter((name) => !known.has(name));
}

/** Braces that look like a placeholder but are not one (`{{ 1x }}`, `{{a`): refused rather than sent. */
export function malformedPlaceholders(template: string): boolean {
  return template.replace(PLACEHOLDER, "").includes("{{");
}

/** The query with every argument quoted (and `window` checked); throws on an unknown or missing one. */
export function renderTemplate(template: string, args: Readonly<Record<string, string>>): string {
  if (malformedPlaceholders(template)) throw new RangeError("the template has a malformed {{placeholder}}");
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = args[name];
    if (value === undefined) throw new RangeError(`the template refers to {{${name}}}, which has no value`);
    if (name === "window") {
      if (!DURATION.test(value)) throw new RangeError(`window "${value}" is not a PromQL duration`);
      return value;
    }
    return promqlLiteral(value);
  });
}
