import { AppError } from "../app-error";
import { promqlLiteral } from "../domain/analysis/promql-template";

/**
 * PromQL is built from parts, never by pasting user text: names are checked against the grammar
 * and values are quoted, so a workload called `a"}or vector(1)#` is only ever a string literal.
 */

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
// Go's regexp.QuoteMeta set: everything RE2 gives a meaning to.
const RE2_SPECIAL = /[\\.+*?()|[\]{}^$]/g;

export type MatchOp = "=" | "!=" | "=~" | "!~";

function invalid(field: string, message: string): AppError {
  return new AppError("VALIDATION", `${field}: ${message}`, { fields: { [field]: message } });
}

export function assertLabelName(name: string, field = "label"): string {
  if (!LABEL_NAME.test(name)) {
    throw invalid(field, `"${name}" is not a valid Prometheus label name (letters, digits and '_', not starting with a digit)`);
  }
  return name;
}

export function assertMetricName(name: string, field = "metric"): string {
  if (!METRIC_NAME.test(name)) {
    throw invalid(field, `"${name}" is not a valid Prometheus metric name (letters, digits, '_' and ':', not starting with a digit)`);
  }
  return name;
}

/** A PromQL duration such as "5m" or "1h30m". */
export function assertDuration(value: string, field = "window"): string {
  if (!DURATION.test(value)) throw invalid(field, `"${value}" is not a PromQL duration such as 30s, 5m or 1h`);
  return value;
}

/**
 * A double-quoted PromQL string literal (the escaping rule is the domain's, shared with custom
 * gate templates): a lone surrogate, which no label value can hold, is a VALIDATION error here.
 */
export function promqlString(value: string): string {
  try {
    return promqlLiteral(value);
  } catch {
    throw invalid("value", "contains a lone UTF-16 surrogate, which no Prometheus label value can hold");
  }
}

/** A regular expression matching exactly `value` (Prometheus anchors matchers at both ends). */
export function regexEscape(value: string): string {
  return value.replace(RE2_SPECIAL, "\\$&");
}

/** Regex alternation matching exactly one of the values, for `=~`. */
export function anyOfRegex(values: readonly string[], field = "value"): string {
  const distinct = [...new Set(values)];
  // An empty alternative would also match series that lack the label altogether.
  if (distinct.length === 0 || distinct.includes("")) throw invalid(field, "needs at least one value, none of them empty");
  return distinct.map(regexEscape).join("|");
}

export function labelMatcher(name: string, op: MatchOp, value: string): string {
  return `${assertLabelName(name)}${op}${promqlString(value)}`;
}

export function vectorSelector(metric: string, matchers: readonly string[]): string {
  return `${assertMetricName(metric)}{${matchers.join(", ")}}`;
}

/**
 * Adds constant labels to every series of `expr` (label_replace from an empty source label).
 * This lets several expressions share one query joined by `or` and be told apart afterwards.
 */
export function tagged(expr: string, tags: Record<string, string>): string {
  return Object.entries(tags).reduce(
    (inner, [name, value]) => `label_replace(${inner}, ${promqlString(assertLabelName(name))}, ${promqlString(value.replace(/\$/g, "$$$$"))}, "", "")`,
    expr,
  );
}

/** One query out of several tagged expressions; `or` keeps them all since their tags differ. */
export function union(exprs: readonly string[]): string {
  return exprs.map((expr) => `(${expr})`).join(" or ");
}
