import { z } from "zod";
import type { StepKindEntry } from "./entry";
import { holdKind, holdStepSchema } from "./hold";
import { weightKind, weightStepSchema } from "./weight";

/**
 * Every kind of rollout step. A new kind is a file beside these (its schema and entry) and one
 * line in each of the two lists below; the `satisfies` check fails to compile until the entry
 * exists and has every part, and nothing dispatches on kinds anywhere else.
 */
export const stepSchema = z.discriminatedUnion("kind", [weightStepSchema, holdStepSchema], {
  // The union's own errors: not an object at all, or a kind nobody registered.
  error: (issue): string =>
    issue.code === "invalid_union"
      ? `kind must be one of ${Object.keys(STEP_KINDS).join(", ")} (absent means weight)`
      : "step must be an object {weight, pauseSeconds?}",
});

export type Step = z.infer<typeof stepSchema>;
export type StepKind = NonNullable<Step["kind"]>;
export type StepOf<K extends StepKind> = Extract<Step, { kind?: K }>;

export const STEP_KINDS = {
  weight: weightKind,
  hold: holdKind,
} satisfies { [K in StepKind]: StepKindEntry<StepOf<K>> };

/** Steps stored before the registry carry no kind: they are weight steps, as they always were. */
export const DEFAULT_STEP_KIND = "weight" satisfies StepKind;

export function kindOf(step: Step): StepKind {
  return step.kind ?? DEFAULT_STEP_KIND;
}

/**
 * The entry for a step. The one cast in the registry: the schema's discriminator guarantees a step
 * whose kind is K has K's shape, which TypeScript cannot correlate through an index by itself.
 */
export function entryOf(step: Step): StepKindEntry<Step> {
  return STEP_KINDS[kindOf(step)] as StepKindEntry<Step>;
}
