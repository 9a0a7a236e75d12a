import { describe, expect, it } from "vitest";
import { rolloutDefinitionSchema } from "@/lib/domain/rollout-definition";
import type { RolloutDefinition } from "@/lib/domain/rollout";
import { fieldErrorsFrom } from "@/lib/domain/validation-errors";
import { EMPTY_FORM, fromDefinition, stepPayload, stepValues, toPayload, type FormValues } from "./form-values";

const filled: FormValues = {
  ...EMPTY_FORM,
  name: "checkout-v2",
  namespace: "shop",
  virtualService: "checkout",
  route: "primary",
  stable: { host: "checkout", subset: "stable", port: "" },
  canary: { host: "checkout", subset: "canary", port: "" },
  stableWorkload: "checkout-v1",
  canaryWorkload: "checkout-v2",
};

describe("the steps of the form", () => {
  it("sends weight steps as stored steps have always been: no kind", () => {
    expect(toPayload(EMPTY_FORM).steps).toEqual([
      { weight: 5, pauseSeconds: 300 },
      { weight: 25, pauseSeconds: 300 },
      { weight: 50, pauseSeconds: 600 },
      { weight: 100, pauseSeconds: undefined },
    ]);
  });

  it("makes a hold step the definition accepts, keeping the weight when the kind changes", () => {
    const hold = stepValues("hold", EMPTY_FORM.steps[2]!.fields);
    expect(hold).toEqual({ kind: "hold", fields: { weight: "50", reason: "" } });
    const steps = EMPTY_FORM.steps.with(2, { ...hold, fields: { ...hold.fields, reason: " release captain sign-off " } });
    const payload = toPayload({ ...filled, steps });
    expect(payload.steps[2]).toEqual({ kind: "hold", weight: 50, reason: "release captain sign-off" });
    expect(rolloutDefinitionSchema.parse(payload).steps[2]).toEqual({ kind: "hold", weight: 50, reason: "release captain sign-off" });
  });

  it("lets the definition name a hold's empty reason as a field of its row", () => {
    const steps = EMPTY_FORM.steps.with(2, stepValues("hold", { weight: "50" }));
    const result = rolloutDefinitionSchema.safeParse(toPayload({ ...filled, steps }));
    expect(result.success ? {} : fieldErrorsFrom(result.error)).toEqual({ "steps.2.reason": "reason is required" });
  });

  it("reads a stored plan back into rows, a hold's reason included", () => {
    const def = rolloutDefinitionSchema.parse({
      ...toPayload(filled),
      steps: [{ weight: 5, pauseSeconds: 60 }, { kind: "hold", weight: 50, reason: "release captain sign-off" }, { weight: 100 }],
    }) as RolloutDefinition;
    const rows = fromDefinition(def).steps;
    expect(rows).toEqual([
      { kind: "weight", fields: { weight: "5", pauseSeconds: "60" } },
      { kind: "hold", fields: { weight: "50", reason: "release captain sign-off" } },
      { kind: "weight", fields: { weight: "100", pauseSeconds: "" } },
    ]);
    expect(rows.map(stepPayload)).toEqual([{ weight: 5, pauseSeconds: 60 }, { kind: "hold", weight: 50, reason: "release captain sign-off" }, { weight: 100 }]);
  });
});
