import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { EMPTY_FORM, stepValues } from "./form-values";
import { StepsEditor } from "./steps-editor";

/** The editor as the server renders it: its rows, their kind pickers and each kind's inputs. */
const render = (steps = EMPTY_FORM.steps, errors: Record<string, string> = {}) =>
  renderToStaticMarkup(createElement(StepsEditor, { steps, errors, onChange: () => {} }));

describe("steps editor", () => {
  it("draws a weight row with its weight and pause, and offers every kind", () => {
    const html = render(EMPTY_FORM.steps.slice(0, 1));
    expect(html).toContain('<label for="field-steps-0-weight">Step 1 weight (%)</label>');
    expect(html).toContain('<label for="field-steps-0-pauseSeconds">Pause (seconds)</label>');
    expect(html).toMatch(/<option value="weight" selected="">Weight<\/option><option value="hold">Hold for a person<\/option>/);
  });

  it("draws a hold row with what it waits for instead of a pause, and its error under it", () => {
    const steps = EMPTY_FORM.steps.with(2, stepValues("hold", { weight: "50" }));
    const html = render(steps, { "steps.2.reason": "reason is required" });
    expect(html).toContain('<option value="hold" selected="">Hold for a person</option>');
    expect(html).toContain('<label for="field-steps-2-reason">Waits for</label>');
    expect(html).not.toContain("field-steps-2-pauseSeconds");
    expect(html).toContain('<small id="field-steps-2-reason-error" class="field-error">reason is required</small>');
  });
});
