import { AppError, type FieldErrors } from "../app-error";
import { summarize } from "./validation-errors";

/**
 * Query strings are hostile input. URLSearchParams turns an escape that is not UTF-8 (such as
 * `%ED%A0%80`, a UTF-16 surrogate in UTF-8 form) into U+FFFD without a word, so a filter would
 * search for something other than what was sent. This reader refuses it by field instead; the
 * decoded text is then checked like any other (lib/domain/safe-text.ts).
 */

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
