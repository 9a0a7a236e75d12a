import { z } from "zod";
import { isCalendarDate, isTimeZone, wallTimeToInstant } from "../time/zoned-time";
import { shortText, typed } from "../safe-text";

/**
 * A freeze window: while one is active, promotions are refused (rollbacks, pauses and resumes are
 * not). Times are wall-clock times in the window's IANA zone, so "Fri 16:00 Europe/Berlin" stays
 * 16:00 in Berlin across daylight-saving changes.
 *
 * - once: [start, end), each "YYYY-MM-DDTHH:MM".
 * - weekly: on each of `days` at `at` ("HH:MM"), for `durationMinutes` of wall-clock time (at most
 *   a week): {days: ["fri"], at: "16:00", durationMinutes: 3840} is Friday 16:00 to Monday 08:00.
 * `namespaces` limits it to rollouts in those namespaces; empty means every rollout.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const MAX_WEEKLY_MINUTES = 7 * 24 * 60;

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const LOCAL_TIME = /^(\d{2}):(\d{2})$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export type LocalDateTime = { year: number; month: number; day: number; hour: number; minute: number };

export function parseLocalDateTime(text: string): LocalDateTime | null {
  const m = LOCAL_DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (!isCalendarDate({ year, month, day }) || hour > 23 || minute > 59) return null;
  return { year, month, day, hour, minute };
}

export function parseLocalTime(text: string): { hour: number; minute: number } | null {
  const m = LOCAL_TIME.exec(text);
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return hour > 23 || minute > 59 ? null : { hour, minute };
}

const localDateTime = (what: string) =>
  z.string(typed(what, 'a local date and time "YYYY-MM-DDTHH:MM"')).refine((text) => parseLocalDateTime(text) !== null, {
    error: `${what} must be a local date and time "YYYY-MM-DDTHH:MM" (e.g. 2026-11-27T00:00)`,
  });

const onceSchema = z.strictObject({ kind: z.literal("once"), start: localDateTime("start"), end: localDateTime("end") }, typed("rule", "an object"));

const weeklySchema = z.strictObject(
  {
    kind: z.literal("weekly"),
    days: z
      .array(z.enum(WEEKDAYS, { error: `each day must be one of ${WEEKDAYS.join(", ")}` }), typed("days", "a list of weekdays"))
      .min(1, { error: "days needs at least one weekday" })
      .max(7, { error: "days may list each weekday once" })
      .refine((days) => new Set(days).size === days.length, { error: "days may list each weekday once" }),
    at: z.string(typed("at", 'a time "HH:MM"')).refine((text) => parseLocalTime(text) !== null, { error: 'at must be a time "HH:MM" (e.g. 16:00)' }),
    durationMinutes: z
      .number(typed("durationMinutes", "a number"))
      .int({ error: "durationMinutes must be a whole number" })
      .min(1, { error: "durationMinutes must be at least 1" })
      .max(MAX_WEEKLY_MINUTES, { error: `durationMinutes must be at most ${MAX_WEEKLY_MINUTES} (a week)` }),
  },
  typed("rule", "an object"),
);

export const freezeRuleSchema = z.discriminatedUnion("kind", [onceSchema, weeklySchema], {
  error: (issue) => (issue.input === undefined ? "rule is required" : 'rule.kind must be "once" or "weekly"'),
});

export const freezeWindowInputSchema = z
  .strictObject(
    {
      name: shortText("name", 80),
      zone: z.string(typed("zone", "an IANA time zone")).refine(isTimeZone, { error: "zone must be an IANA time zone such as Europe/Berlin or UTC" }),
      rule: freezeRuleSchema,
      namespaces: z
        .array(
          z.string(typed("namespace", "a string")).regex(NAMESPACE, { error: "each namespace must be a DNS-1123 label" }).max(63),
          typed("namespaces", "a list of namespaces"),
        )
        .max(50, { error: "namespaces may have at most 50 entries" })
        .default([]),
    },
    typed("body", "a JSON object {name, zone, rule, namespaces?}"),
  )
  .superRefine((input, ctx) => {
    if (input.rule.kind !== "once") return;
    const start = parseLocalDateTime(input.rule.start);
    const end = parseLocalDateTime(input.rule.end);
    if (!start || !end || !isTimeZone(input.zone)) return;
    if (wallTimeToInstant(end, input.zone).getTime() <= wallTimeToInstant(start, input.zone).getTime()) {
      ctx.addIssue({ code: "custom", path: ["rule", "end"], message: "end must be after start" });
    }
  });

export type FreezeRule = z.output<typeof freezeRuleSchema>;
export type FreezeWindowInput = z.output<typeof freezeWindowInputSchema>;
export type FreezeWindow = FreezeWindowInput & { id: string; createdBy: string; createdAt: Date };
