import { z } from "zod";
import { AppError } from "../app-error";
import { fieldErrorsFrom, summarize } from "../domain/validation-errors";
import { labelMatcher } from "./promql";

/**
 * Which Istio series belong to a workload. By default `destination_workload`; a rollout whose
 * stable and canary share a Deployment name can tell them apart by another destination label
 * instead (`destination_version`, `destination_canonical_revision`, ...). Values are any
 * string: they are escaped, never interpreted. Label names are checked against the grammar.
 */

export const DEFAULT_WORKLOAD_LABEL = "destination_workload";
const NAMESPACE_LABEL = "destination_workload_namespace";
// Labels the SLI queries set or group by themselves; overriding them would corrupt the maths.
const RESERVED_LABELS = ["reporter", NAMESPACE_LABEL, "response_code", "le"];

export type SliSelector = { namespace: string; label?: string; value: string; extraMatchers?: Record<string, string> };
export type RolloutTargets = { namespace: string; stable: string; canary: string; label?: string; extraMatchers?: Record<string, string> };
export type ResolvedTargets = { namespace: string; stable: string; canary: string; label: string; extraMatchers: Record<string, string> };

const labelName = z
  .string({ error: "must be a string" })
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: "must be a Prometheus label name: letters, digits and '_', not starting with a digit" })
  .refine((name) => !name.startsWith("__"), { error: "names starting with '__' are reserved by Prometheus" })
  .refine((name) => !RESERVED_LABELS.includes(name), { error: `must not be one of ${RESERVED_LABELS.join(", ")}: Aviary sets those itself` });
// An empty value would match every series that lacks the label.
const value = (what: string) => z.string({ error: `${what} must be a string` }).min(1, { error: `${what} must not be empty` });

const common = {
  namespace: value("namespace"),
  label: labelName.default(DEFAULT_WORKLOAD_LABEL),
  extraMatchers: z
    .record(z.string(), z.string({ error: "must be a string" }))
    .superRefine((matchers, ctx) => {
      for (const name of Object.keys(matchers)) {
        const issue = labelName.safeParse(name).error?.issues[0];
        if (issue) ctx.addIssue({ code: "custom", path: [name], message: `"${name}" ${issue.message}` });
      }
    })
    .default({}),
};
const noRepeatedLabel: [(s: { label: string; extraMatchers: Record<string, string> }) => boolean, { error: string; path: string[] }] = [
  (s) => !(s.label in s.extraMatchers),
  { error: "must not repeat the workload label", path: ["extraMatchers"] },
];

const targetsSchema = z
  .object({ ...common, stable: value("stable"), canary: value("canary") })
  .refine((t) => t.stable !== t.canary, { error: "canary must differ from stable, or their series cannot be told apart", path: ["canary"] })
  .refine(...noRepeatedLabel);
const selectorSchema = z.object({ ...common, value: value("value") }).refine(...noRepeatedLabel);

/** Validates and fills defaults; VALIDATION names the offending field, prefixed by `field`. */
export function resolveTargets(input: RolloutTargets, field = ""): ResolvedTargets {
  return parseOrThrow(targetsSchema, input, field);
}

export function resolveSelector(input: SliSelector, field = ""): Required<SliSelector> {
  return parseOrThrow(selectorSchema, input, field);
}

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, field: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = Object.fromEntries(Object.entries(fieldErrorsFrom(parsed.error)).map(([key, message]) => [`${field}${key}`, message]));
  throw new AppError("VALIDATION", summarize(fields), { fields });
}

/** reporter="destination" counts each request once; "source" would count it a second time. */
export function baseMatchers({ namespaceMatcher, extraMatchers }: { namespaceMatcher: string; extraMatchers: Record<string, string> }): string[] {
  return [labelMatcher("reporter", "=", "destination"), namespaceMatcher, ...Object.entries(extraMatchers).map(([name, v]) => labelMatcher(name, "=", v))];
}

export function selectorMatchers(selector: SliSelector): string[] {
  const { namespace, label, value: selected, extraMatchers } = resolveSelector(selector);
  return [...baseMatchers({ namespaceMatcher: labelMatcher(NAMESPACE_LABEL, "=", namespace), extraMatchers }), labelMatcher(label, "=", selected)];
}

export { NAMESPACE_LABEL };

/** Rollouts that select by the same label and extra matchers share one grouped query. */
export type TargetGroup = { label: string; extraMatchers: Record<string, string>; members: ResolvedTargets[] };

export function groupRollouts(rollouts: readonly ResolvedTargets[]): TargetGroup[] {
  const groups = new Map<string, TargetGroup>();
  for (const rollout of rollouts) {
    const extras = Object.entries(rollout.extraMatchers).sort(([a], [b]) => a.localeCompare(b));
    const key = JSON.stringify([rollout.label, extras]);
    const group = groups.get(key) ?? { label: rollout.label, extraMatchers: rollout.extraMatchers, members: [] };
    group.members.push(rollout);
    groups.set(key, group);
  }
  return [...groups.values()];
}
