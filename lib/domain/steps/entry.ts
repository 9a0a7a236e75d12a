import type { z } from "zod";

/**
 * What one kind of rollout step is, all in one entry (lib/domain/steps/registry.ts lists them):
 * Argo Rollouts' CanaryStep has one field per kind (setWeight, pause, setHeaderRoute,
 * setMirrorRoute); here each kind is one object that also says what it does to the
 * VirtualService, how a rollback undoes it, whether analysis may move past it on its own, and the
 * form's inputs for it. Adding a kind is one file and two lines in the registry.
 */

/**
 * What the rollout's HTTP route should look like while at a step: today its two weights (canary,
 * and stable = 100 minus it). Header-route and mirror kinds add their part here, and
 * virtual-service-route.ts turns it into the JSON patch, preconditions included.
 */
export type RouteTarget = { canaryWeight: number };

/** The route as Aviary found it before the start, and where a rollback brings it back. */
export const UNTOUCHED_ROUTE: RouteTarget = { canaryWeight: 0 };

/**
 * Whether analysis may promote past a step on its own: once `afterSeconds` held with every gate
 * passing; not when no time was set (`person`: a person promotes, as a step without a pause always
 * did); never, for the reason given, when the step holds for a person (`hold`).
 */
export type Advance = { afterSeconds: number } | { person: true } | { hold: string };

/** One input of the step's row in the form; its value is the step's field of the same key. */
export type StepField = { key: string; label: (index: number) => string; input: "number" | "text"; hint?: string };

export type StepKindEntry<S> = {
  /** The kind in words, for the form's kind picker. */
  title: string;
  /** The stored shape (strict, every error naming its field); today's `{weight, pauseSeconds?}` rows stay valid. */
  schema: z.ZodType<S>;
  /** The step in words for pages and the audit log: "25%, soak 5 min". */
  describe: (step: S) => string;
  /** The canary weight the step sets, or null when it keeps the one before it; set weights must rise. */
  weight: (step: S) => number | null;
  /** The route while at this step, from the route the step before left. */
  route: (step: S, before: RouteTarget) => RouteTarget;
  /** How a rollback undoes this step's part of the route. */
  undo: (at: RouteTarget) => RouteTarget;
  advance: (step: S) => Advance;
  form: { fields: readonly StepField[] };
};
