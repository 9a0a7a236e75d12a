import { z } from "zod";
import { analysisSchema } from "./analysis/definition";
import { approvalsSchema } from "./approvals/definition";
import { notificationsEditSchema, notificationsSchema } from "./notifications/definition";
import { resolveKeptSecrets } from "./notifications/webhook-secrets";
import type { RolloutDefinition } from "./rollout";
import { textProblem, typed as typeError } from "./safe-text";
import { int } from "./steps/fields";
import { weightProblems } from "./steps/plan";
import { stepSchema } from "./steps/registry";

/**
 * Every rule a rollout definition must satisfy, in one place, shared by the API, the form and
 * the tests. Unknown fields are rejected rather than ignored, so a typo never passes silently.
 */

export const MAX_STEPS = 20;
export { MAX_PAUSE_SECONDS } from "./steps/fields";
export { stepSchema };

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Subset names: Istio's validation wants DNS-label-like names; keep them printable and short.
const SUBSET = /^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/;
/** Istio's CRD lets an HTTP route's name be any string ("send /api/v1/products to sample.foo", in its analyzer's test data). */
export const MAX_ROUTE_NAME = 253;

const label = (what: string) =>
  z
    .string(typeError(what, "a string"))
    .min(1, { error: `${what} is required` })
    .max(63, { error: `${what} must be at most 63 characters` })
    .regex(DNS1123_LABEL, {
      error: `${what} must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`,
    });

const subdomain = (what: string) =>
  z
    .string(typeError(what, "a string"))
    .min(1, { error: `${what} is required` })
    .max(253, { error: `${what} must be at most 253 characters` })
    .regex(DNS1123_SUBDOMAIN, {
      error: `${what} must be a DNS-1123 name: lower-case letters, digits, '-' and '.'`,
    });

const subsetName = (what: string) =>
  z
    .string(typeError(what, "a string"))
    .min(1, { error: `${what} must not be empty` })
    .max(63, { error: `${what} must be at most 63 characters` })
    .regex(SUBSET, { error: `${what} may contain letters, digits, '_', '.' and '-' only` });

/**
 * A route is found by its exact name (a JSON-patch `test` compares it byte for byte), so it is
 * taken as written: not trimmed, one line, storable as is in the audit log.
 */
const routeName = z
  .string(typeError("route", "a string"))
  .min(1, { error: "route must not be empty" })
  .max(MAX_ROUTE_NAME, { error: `route must be at most ${MAX_ROUTE_NAME} characters` })
  .superRefine((text, ctx) => {
    const problem = textProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: `route ${problem}` });
  });

export const destinationSchema = z.strictObject(
  {
    host: subdomain("host"),
    subset: subsetName("subset").optional(),
    port: int("port", 1, 65535).optional(),
  },
  typeError("destination", "an object {host, subset?, port?}"),
);

// Each step's shape and what it means are its kind's (lib/domain/steps); the plan's rule is here.
const stepsSchema = z
  .array(stepSchema, typeError("steps", "a list of steps, each {weight, pauseSeconds?} or {kind, …}"))
  .min(1, { error: "steps needs at least one step" })
  .max(MAX_STEPS, { error: `steps may have at most ${MAX_STEPS} entries` })
  .superRefine((steps, ctx) => {
    for (const [index, message] of weightProblems(steps)) ctx.addIssue({ code: "custom", path: [index, "weight"], message });
  });

const definitionShape = {
  name: label("name"),
  namespace: label("namespace"),
  cluster: label("cluster").default("default"),
  virtualService: subdomain("virtualService"),
  route: routeName.optional(),
  stable: destinationSchema,
  canary: destinationSchema,
  steps: stepsSchema,
  metrics: z.strictObject(
    {
      stableWorkload: subdomain("stableWorkload"),
      canaryWorkload: subdomain("canaryWorkload"),
    },
    typeError("metrics", "an object {stableWorkload, canaryWorkload}"),
  ),
  slo: z.strictObject(
    {
      availability: z
        .number({ error: "availability must be a number (percent, e.g. 99.9)" })
        .gt(0, { error: "availability must be above 0%" })
        .lt(100, { error: "availability must be below 100%: a 100% objective leaves no error budget" }),
      latencyP95Ms: int("latencyP95Ms", 1, 600_000),
    },
    typeError("slo", "an object {availability, latencyP95Ms}"),
  ),
  analysis: analysisSchema.optional(),
  notifications: notificationsSchema.optional(),
  approvals: approvalsSchema.optional(),
};

function crossFieldRules(def: Pick<RolloutDefinition, "stable" | "canary" | "metrics">, ctx: z.RefinementCtx) {
  const same = (a: RolloutDefinition["stable"], b: RolloutDefinition["stable"]) => a.host === b.host && a.subset === b.subset && a.port === b.port;
  if (same(def.stable, def.canary)) {
    ctx.addIssue({ code: "custom", path: ["canary"], message: "canary must be a different destination from stable" });
  }
  if (def.metrics.stableWorkload === def.metrics.canaryWorkload) {
    ctx.addIssue({
      code: "custom",
      path: ["metrics", "canaryWorkload"],
      message: "canaryWorkload must differ from stableWorkload, or the SLIs cannot tell them apart",
    });
  }
}

export const rolloutDefinitionSchema = z.strictObject(definitionShape, typeError("body", "a JSON object")).superRefine(crossFieldRules);

/** The part of a definition that names the traffic target: enough to look the VirtualService up. */
export const trafficTargetSchema = z.strictObject(
  {
    cluster: definitionShape.cluster,
    namespace: definitionShape.namespace,
    virtualService: definitionShape.virtualService,
    route: definitionShape.route,
    stable: definitionShape.stable,
    canary: definitionShape.canary,
  },
  typeError("body", "a JSON object"),
);

/** A PATCH body: any subset of the definition, plus an optional optimistic-concurrency guard. */
export const rolloutDefinitionPatchSchema = z
  .strictObject(
    {
      ...z.object(definitionShape).partial().shape,
      cluster: label("cluster").optional(),
      // An edit may keep a webhook's stored secret without resending it (updateRollout resolves it).
      notifications: notificationsEditSchema.optional(),
      expectedRevision: int("expectedRevision", 1, Number.MAX_SAFE_INTEGER).optional(),
    },
    typeError("body", "a JSON object"),
  )
  .refine((patch) => Object.keys(patch).some((key) => key !== "expectedRevision"), {
    message: "the patch changes nothing: give at least one field",
  });

export type RolloutDefinitionPatch = z.infer<typeof rolloutDefinitionPatchSchema>;

/**
 * Applies a patch and re-checks the whole result, so cross-field rules hold after edits too.
 * Webhook secrets the patch keeps are taken from `current` (throws VALIDATION when none is stored).
 */
export function mergeDefinition(current: RolloutDefinition, patch: RolloutDefinitionPatch) {
  const { expectedRevision: _ignored, notifications, ...changes } = patch;
  return rolloutDefinitionSchema.safeParse({
    ...current,
    ...changes,
    ...(notifications ? { notifications: resolveKeptSecrets(notifications, current.notifications) } : {}),
  });
}
