"use client";

import { Field } from "@/components/ui/field";
import { MAX_STEPS } from "@/lib/domain/rollout-definition";
import type { StepValues } from "./form-values";

export function StepsEditor({ steps, errors, onChange }: { steps: StepValues[]; errors: Record<string, string>; onChange: (steps: StepValues[]) => void }) {
  const update = (index: number, key: keyof StepValues, value: string) => onChange(steps.map((step, i) => (i === index ? { ...step, [key]: value } : step)));
  return (
    <fieldset>
      <legend>Steps</legend>
      <p className="hint">Canary weight at each step, strictly increasing, 1–100 %. A pause holds the step before the next promote.</p>
      {errors.steps ? <p className="field-error">{errors.steps}</p> : null}
      <ol className="steps-editor">
        {steps.map((step, index) => (
          <li key={index} className="grid-steps">
            <Field
              path={`steps.${index}.weight`}
              label={`Step ${index + 1} weight (%)`}
              inputMode="numeric"
              value={step.weight}
              onChange={(e) => update(index, "weight", e.target.value)}
              error={errors[`steps.${index}.weight`]}
            />
            <Field
              path={`steps.${index}.pauseSeconds`}
              label="Pause (seconds)"
              inputMode="numeric"
              value={step.pauseSeconds}
              onChange={(e) => update(index, "pauseSeconds", e.target.value)}
              error={errors[`steps.${index}.pauseSeconds`]}
            />
            <button
              type="button"
              className="button button-quiet"
              onClick={() => onChange(steps.filter((_, i) => i !== index))}
              disabled={steps.length === 1}
              aria-label={`Remove step ${index + 1}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button type="button" className="button" onClick={() => onChange([...steps, { weight: "", pauseSeconds: "" }])} disabled={steps.length >= MAX_STEPS}>
        Add step
      </button>
    </fieldset>
  );
}
