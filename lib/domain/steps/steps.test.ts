import { describe, expect, it } from "vitest";
import { fieldErrorsFrom } from "../validation-errors";
import { advanceOf, describeStep, holdReason, pauseOf, rollbackRoute, routeAt, weightProblems } from "./plan";
import { STEP_KINDS, stepSchema, type Step } from "./registry";

const errorsOf = (input: unknown) => {
  const result = stepSchema.safeParse(input);
  return result.success ? {} : fieldErrorsFrom(result.error);
};

const signOff: Step = { kind: "hold", weight: 50, reason: "release captain sign-off" };

describe("step kinds", () => {
  it("reads stored steps, which carry no kind, as weight steps, unchanged", () => {
    for (const stored of [{ weight: 5 }, { weight: 25, pauseSeconds: 300 }, { weight: 100, pauseSeconds: 0 }]) {
      expect(stepSchema.parse(stored)).toEqual(stored);
    }
    expect(advanceOf({ weight: 25 })).toEqual({ person: true });
    expect(advanceOf({ weight: 25, pauseSeconds: 300 })).toEqual({ afterSeconds: 300 });
  });

  it("accepts a hold and says what it waits for", () => {
    expect(stepSchema.parse({ kind: "hold", weight: 50, reason: "  release captain sign-off " })).toEqual(signOff);
    expect(describeStep(signOff)).toBe("50%, waits for a person (release captain sign-off)");
    expect(describeStep({ weight: 25, pauseSeconds: 300 })).toBe("25%, soak 5 min");
    expect(holdReason(signOff)).toBe("release captain sign-off");
    expect(holdReason({ weight: 25 })).toBeNull();
    expect(pauseOf(signOff)).toBeUndefined();
    expect(pauseOf({ weight: 25, pauseSeconds: 300 })).toBe(300);
  });

  it.each([
    [{ kind: "hold", weight: 50 }, "reason", "reason is required"],
    [{ kind: "hold", weight: 50, reason: "   " }, "reason", "reason is required"],
    [{ kind: "hold", weight: 50, reason: "x".repeat(121) }, "reason", "at most 120 characters"],
    [{ kind: "hold", weight: 50, reason: "sign\u0000off" }, "reason", "must not contain NUL"],
    [{ kind: "hold", weight: 50, reason: 7 }, "reason", "reason must be a string"],
    [{ kind: "hold", reason: "sign-off" }, "weight", "weight is required"],
    [{ kind: "hold", weight: 0, reason: "sign-off" }, "weight", "weight must be at least 1"],
    [{ kind: "hold", weight: 50, reason: "sign-off", pauseSeconds: 60 }, "pauseSeconds", 'unknown field "pauseSeconds"'],
    [{ kind: "mirror", weight: 50 }, "kind", "kind must be one of weight, hold (absent means weight)"],
    [{ weight: 10, reason: "sign-off" }, "reason", 'unknown field "reason"'],
    ["50%", "(body)", "step must be an object {weight, pauseSeconds?}"],
  ])("refuses %j, naming %s", (input, field, message) => {
    const errors = errorsOf(input);
    expect(Object.keys(errors)).toContain(field);
    expect(errors[field]).toContain(message);
  });

  it("sets the route at each step from the steps before it, and a rollback undoes every one", () => {
    const steps: Step[] = [{ weight: 5, pauseSeconds: 60 }, { weight: 25 }, signOff, { weight: 100 }];
    expect(steps.map((_, index) => routeAt(steps, index).canaryWeight)).toEqual([5, 25, 50, 100]);
    expect(steps.map((_, index) => rollbackRoute(steps, index))).toEqual(steps.map(() => ({ canaryWeight: 0 })));
    expect(rollbackRoute(steps, null)).toEqual({ canaryWeight: 0 });
  });

  it("requires the weights of weight and hold steps alike to rise", () => {
    expect(weightProblems([{ weight: 5 }, signOff, { weight: 100 }])).toEqual([]);
    expect(weightProblems([{ weight: 50 }, signOff, { weight: 40 }])).toEqual([
      [1, "weights must be strictly increasing: 50% comes after 50%"],
      [2, "weights must be strictly increasing: 40% comes after 50%"],
    ]);
  });

  it("gives every kind a title and form inputs named like its fields", () => {
    for (const [kind, entry] of Object.entries(STEP_KINDS)) {
      expect(entry.title, kind).not.toBe("");
      const shape = Object.keys((entry.schema as unknown as { shape: Record<string, unknown> }).shape);
      for (const field of entry.form.fields) expect(shape, `${kind}.${field.key}`).toContain(field.key);
    }
  });
});
