import { AppError, type FieldErrors } from "../app-error";
import { summarize } from "./validation-errors";

/**
 * Query strings are hostile input. PostgreSQL refuses NUL in text outright (a 500 if it gets that
 * far), control characters have no business in a name or a search term, and a lone UTF-16
 * surrogate is not text at all: it has no UTF-8 form, so it would be stored or compared as
 * something else. These helpers refuse such values, by field, before any filter is built.
 */

// C0 controls, DEL and the C1 controls (U+0080-U+009F).
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `value` is not acceptable as the text of field `name`, or null when it is. */
export function textProblem(name: string, value: string): string | null {
  if (CONTROL_CHARS.test(value)) return `${name} must not contain control characters (such as NUL or line breaks)`;
  if (LONE_SURROGATE.test(value)) return `${name} must be valid Unicode text (it holds a lone UTF-16 surrogate)`;
  return null;
}

function strictDecode(component: string): string | null {
  try {
    // Unlike URLSearchParams, decodeURIComponent refuses malformed escapes and bytes that are
    // not UTF-8, surrogates in UTF-8 form (%ED%A0%80) included.
    return decodeURIComponent(component.replaceAll("+", " "));
  } catch {
    return null;
  }
}

function lenientDecode(component: string): string {
  return new URLSearchParams(`${component}=`).keys().next().value ?? component;
}

/**
 * A URL's query as `{name: value}`, the last value of a repeated name winning (as with
 * `Object.fromEntries(url.searchParams)`), except that an escape which does not decode to UTF-8
 * (`%ED%A0%80`, `%FF`, a bare `%`) is a 400 naming the field instead of silently becoming U+FFFD.
 */
export function queryFromUrl(url: string | URL): Record<string, string> {
  const query: Record<string, string> = {};
  const fields: FieldErrors = {};
  for (const pair of new URL(url).search.slice(1).split("&")) {
    if (pair === "") continue;
    const at = pair.indexOf("=");
    const [rawName, rawValue] = at === -1 ? [pair, ""] : [pair.slice(0, at), pair.slice(at + 1)];
    const name = strictDecode(rawName);
    const value = strictDecode(rawValue);
    if (name === null || value === null) {
      const field = name ?? lenientDecode(rawName);
      fields[field] ??= `${field} is not valid percent-encoded UTF-8`;
    } else {
      query[name] = value;
    }
  }
  if (Object.keys(fields).length > 0) throw new AppError("VALIDATION", summarize(fields), { fields });
  return query;
}
