import { z } from "zod";
import { shortText, typed } from "../safe-text";
import type { StepKindEntry } from "./entry";
import { stepWeight } from "./fields";

/**
 * A step that waits for a person even in auto mode, saying for what: "step 3 waits for a person
 * (release captain sign-off)". Its weight is set like a weight step's, analysis keeps judging it
 * (and may still roll back), but only a person's promote moves past it. Argo Rollouts' `setWeight`
 * followed by an indefinite `pause: {}`, with the reason kept in the plan instead of in a runbook.
 */
export const MAX_HOLD_REASON = 120;

export const holdStepSchema = z.strictObject(
  {
    kind: z.literal("hold"),
    weight: stepWeight(),
    reason: shortText("reason", MAX_HOLD_REASON),
  },
  typed("step", "an object {kind: hold, weight, reason}"),
);

export type HoldStep = z.infer<typeof holdStepSchema>;

export const holdKind = {
  title: "Hold for a person",
  schema: holdStepSchema,
  describe: (step) => `${step.weight}%, waits for a person (${step.reason})`,
  weight: (step) => step.weight,
  route: (step, before) => ({ ...before, canaryWeight: step.weight }),
  undo: (at) => ({ ...at, canaryWeight: 0 }),
  advance: (step) => ({ hold: step.reason }),
  form: {
    fields: [
      { key: "weight", label: (index) => `Step ${index + 1} weight (%)`, input: "number" },
      { key: "reason", label: () => "Waits for", input: "text", hint: "e.g. release captain sign-off" },
    ],
  },
} satisfies StepKindEntry<HoldStep>;
