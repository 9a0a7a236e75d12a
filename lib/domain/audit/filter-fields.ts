import { z } from "zod";
import { AppError, type FieldErrors } from "../../app-error";
import { fieldErrorsFrom, summarize } from "../validation-errors";
import { isCalendarDate, isTimeZone, wallTimeToInstant } from "../time/zoned-time";
import { textProblem } from "../safe-text";

/**
 * What the audit log and the history filters share: the actor, the date range (typed on the
 * reader's wall clock, interpreted in `tz`), text search, the cursor and the page size. Query
 * strings arrive as strings; empty values (an untouched form field) count as absent.
 */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export const text = (name: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `${name} must be at most ${max} characters` });

/** A comma-separated list is capped as a whole too: each item is short, but not their number. */
export const MAX_LIST_LENGTH = 500;

/** "a,b" -> ["a", "b"], each one of `values`. */
export const list = <const T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z
    .string()
    .max(MAX_LIST_LENGTH, { error: `${name} must be at most ${MAX_LIST_LENGTH} characters` })
    .transform((value) =>
      value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values, { error: `${name} must be one of ${values.join(", ")}` })));

export const commonShape = {
  actor: text("actor", 320).optional(),
  from: z.string().max(40, { error: "from is too long" }).optional(),
  to: z.string().max(40, { error: "to is too long" }).optional(),
  tz: z
    .string()
    .max(64, { error: "tz is too long for a time zone name" })
    .refine(isTimeZone, { error: "tz must be an IANA time zone such as UTC or Europe/Berlin" })
    .optional(),
  // Trigram search needs three characters to use its index; shorter terms would scan everything.
  q: text("q", 200).min(3, { error: "q must be at least 3 characters: search matches parts of words" }).optional(),
  cursor: z.string().max(200, { error: "cursor is not one this server handed out; start from the first page" }).optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, { error: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, { error: `limit must be from 1 to ${MAX_PAGE_SIZE}` })
        .max(MAX_PAGE_SIZE, { error: `limit must be from 1 to ${MAX_PAGE_SIZE}` }),
    )
    .optional(),
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const MINUTE = 60_000;
const DAY_MS = 86_400_000;
/** Years 1 to 9999, what the forms can type; PostgreSQL's timestamps reach further, JS dates both ways. */
export const EARLIEST_MS = Date.parse("0001-01-01T00:00:00Z");
export const LATEST_MS = Date.parse("9999-12-31T23:59:59.999Z");

export type DateBound = "from" | "to";

/**
 * A bound of the date range as the instant the database compares with. Both ends are inclusive
 * as the reader means them: `to=2026-03-31` covers that whole day, `to=…T14:00` that whole minute;
 * the returned `to` is therefore exclusive (the next day or minute).
 */
export function parseDateBound(value: string, bound: DateBound, timeZone: string): Date | string {
  const instant = dateBound(value, bound, timeZone);
  // A zone offset can push year 1 or 9999 over the edge; a day past the end is `to`'s exclusive bound.
  if (instant instanceof Date && !(instant.getTime() >= EARLIEST_MS - DAY_MS && instant.getTime() <= LATEST_MS + 2 * DAY_MS)) {
    return `${bound}: ${value} is out of range (years 1 to 9999)`;
  }
  return instant;
}

function dateBound(value: string, bound: DateBound, timeZone: string): Date | string {
  const help = `${bound} must be a date (2026-03-31), a local time (2026-03-31T14:00) or an ISO time with zone (2026-03-31T12:00:00Z)`;
  const date = DATE.exec(value);
  const wall = date ? null : WALL_TIME.exec(value);
  const parts = (date ?? wall)?.slice(1).map(Number);
  if (parts) {
    const [year = 0, month = 0, day = 0, hour = 0, minute = 0] = parts;
    if (!isCalendarDate({ year, month, day }) || hour > 23 || minute > 59) return `${bound}: ${value} is not a real date or time`;
    if (date) {
      // The next calendar day, then into the zone (a day may be 23 or 25 hours long).
      const next = new Date(Date.UTC(year, month - 1, day) + DAY_MS);
      const day0 = bound === "from" ? { year, month, day } : { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
      return wallTimeToInstant(day0, timeZone);
    }
    const instant = wallTimeToInstant({ year, month, day, hour, minute }, timeZone);
    return bound === "from" ? instant : new Date(instant.getTime() + MINUTE);
  }
  if (INSTANT.test(value)) {
    const instant = new Date(value);
    if (Number.isNaN(instant.getTime())) return `${bound}: ${value} is not a real date or time`;
    return bound === "from" ? instant : new Date(instant.getTime() + 1);
  }
  return help;
}

export type DateRange = { from?: Date; toExclusive?: Date };

/** Parses from/to in the zone; errors are keyed by field. */
export function parseDateRange({ from, to, tz }: { from?: string; to?: string; tz?: string }, fields: FieldErrors): DateRange {
  const zone = tz ?? "UTC";
  const range: DateRange = {};
  if (from) {
    const parsed = parseDateBound(from, "from", zone);
    if (typeof parsed === "string") fields.from = parsed;
    else range.from = parsed;
  }
  if (to) {
    const parsed = parseDateBound(to, "to", zone);
    if (typeof parsed === "string") fields.to = parsed;
    else range.toExclusive = parsed;
  }
  if (range.from && range.toExclusive && range.toExclusive <= range.from) {
    fields.to = "to must not be before from";
  }
  return range;
}

/** Drops empty values and anything not in `known`, so links and exports carry a clean query. */
export function cleanParams(raw: Record<string, string | string[] | undefined>, known: readonly string[]): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined || first.trim() === "") continue;
    clean[key] = first;
  }
  return Object.fromEntries(known.filter((key) => key in clean).map((key) => [key, clean[key] as string]));
}

/** Like cleanParams but keeps unknown keys too, so that strict parsing can name them. */
export function nonEmpty(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first.trim() !== "") clean[key] = first;
  }
  return clean;
}

export function validationError(fields: FieldErrors): AppError {
  return new AppError("VALIDATION", summarize(fields), { fields });
}

/** Field errors keyed by the query parameter (a list's "outcome.1" is reported as "outcome"). */
export function zodFields(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const [path, message] of Object.entries(fieldErrorsFrom(error))) fields[path.split(".")[0] ?? path] ??= message;
  return fields;
}

/** `?a=1&b=2` for the given params (already clean), "" when there are none. */
export function toQueryString(params: Record<string, string>): string {
  const search = new URLSearchParams(params).toString();
  return search ? `?${search}` : "";
}

/**
 * The shared shape of the log's and the history's query parsing. Every bad field is reported at
 * once: the dates and the cursor are checked even when another field failed.
 */
export function parseFilterQuery<S extends z.ZodType, Cursor>(
  schema: S,
  raw: Record<string, string | string[] | undefined>,
  decodeCursor: (cursor: string) => Cursor | null,
): { data: z.infer<S>; range: DateRange; cursor: Cursor | null } {
  const given = nonEmpty(raw);
  // NUL, control characters and lone surrogates, in any field: each is reported as that field's error.
  const fields: FieldErrors = {};
  for (const [key, value] of Object.entries(given)) {
    const problem = textProblem(value);
    if (problem) fields[key] = `${key} ${problem}`;
  }
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(given).filter(([key]) => !(key in fields))));
  if (!parsed.success) for (const [key, message] of Object.entries(zodFields(parsed.error))) fields[key] ??= message;
  const range = parseDateRange(
    { from: fields.from ? undefined : given.from, to: fields.to ? undefined : given.to, tz: fields.tz ? undefined : given.tz },
    fields,
  );
  const cursor = given.cursor && !fields.cursor ? decodeCursor(given.cursor) : null;
  if (given.cursor && !cursor) fields.cursor ??= "cursor is not one this server handed out; start from the first page";
  if (!parsed.success || Object.keys(fields).length > 0) throw validationError(fields);
  return { data: parsed.data, range, cursor };
}
