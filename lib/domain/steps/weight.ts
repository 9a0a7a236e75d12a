import { z } from "zod";
import { formatDuration } from "../duration";
import { typed } from "../safe-text";
import type { StepKindEntry } from "./entry";
import { int, MAX_PAUSE_SECONDS, stepWeight } from "./fields";

/**
 * The first kind, and the one every stored step is: set the canary's weight (stable gets the
 * rest), then soak. Written without `kind`, as all rows before the registry were. With
 * pauseSeconds, analysis in auto mode promotes once every gate passed that long (Argo Rollouts'
 * `pause: {duration}`); without, it waits for a person (`pause: {}`).
 */
export const weightStepSchema = z.strictObject(
  {
    kind: z.literal("weight").optional(),
    weight: stepWeight(),
    pauseSeconds: int("pauseSeconds", 0, MAX_PAUSE_SECONDS).optional(),
  },
  typed("step", "an object {weight, pauseSeconds?}"),
);

export type WeightStep = z.infer<typeof weightStepSchema>;

export const weightKind = {
  title: "Weight",
  schema: weightStepSchema,
  describe: (step) => `${step.weight}%${step.pauseSeconds ? `, soak ${formatDuration(step.pauseSeconds)}` : ""}`,
  weight: (step) => step.weight,
  route: (step, before) => ({ ...before, canaryWeight: step.weight }),
  undo: (at) => ({ ...at, canaryWeight: 0 }),
  advance: (step) => (step.pauseSeconds === undefined ? { person: true } : { afterSeconds: step.pauseSeconds }),
  form: {
    fields: [
      { key: "weight", label: (index) => `Step ${index + 1} weight (%)`, input: "number" },
      { key: "pauseSeconds", label: () => "Pause (seconds)", input: "number" },
    ],
  },
} satisfies StepKindEntry<WeightStep>;
