"use client";

import "./rollout-form.css";
import { Field, fieldId } from "@/components/ui/field";
import { MAX_STEPS } from "@/lib/domain/rollout-definition";
import type { StepField } from "@/lib/domain/steps/entry";
import { STEP_KINDS, type StepKind } from "@/lib/domain/steps/registry";
import { stepValues, type StepValues } from "./form-values";
import styles from "./steps-editor.module.css";

const KINDS = Object.keys(STEP_KINDS) as StepKind[];
const fieldsOf = (kind: StepKind): readonly StepField[] => STEP_KINDS[kind].form.fields;

/** Each step's row: its kind, then the inputs its kind's entry lists (lib/domain/steps), then Remove. */
export function StepsEditor({ steps, errors, onChange }: { steps: StepValues[]; errors: Record<string, string>; onChange: (steps: StepValues[]) => void }) {
  const replace = (index: number, step: StepValues) => onChange(steps.map((current, i) => (i === index ? step : current)));
  const update = (index: number, key: string, value: string) => {
    const step = steps[index]!;
    replace(index, { ...step, fields: { ...step.fields, [key]: value } });
  };
  return (
    <fieldset>
      <legend>Steps</legend>
      <p className="hint">
        Canary weight at each step, strictly increasing, 1–100 %. A pause holds the step before the next promote; a hold waits for a person even when analysis
        promotes on its own.
      </p>
      {errors.steps ? <p className="field-error">{errors.steps}</p> : null}
      <ol className="steps-editor">
        {steps.map((step, index) => (
          <li key={index} className={styles.row}>
            <div className={errors[`steps.${index}.kind`] ? "field field-invalid" : "field"}>
              <label htmlFor={fieldId(`steps.${index}.kind`)}>Kind</label>
              <select
                id={fieldId(`steps.${index}.kind`)}
                name={`steps.${index}.kind`}
                value={step.kind}
                onChange={(e) => replace(index, stepValues(e.target.value as StepKind, step.fields))}
              >
                {KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {STEP_KINDS[kind].title}
                  </option>
                ))}
              </select>
            </div>
            {fieldsOf(step.kind).map((field) => (
              <Field
                key={field.key}
                path={`steps.${index}.${field.key}`}
                label={field.label(index)}
                inputMode={field.input === "number" ? "numeric" : undefined}
                hint={field.hint}
                value={step.fields[field.key] ?? ""}
                onChange={(e) => update(index, field.key, e.target.value)}
                error={errors[`steps.${index}.${field.key}`]}
              />
            ))}
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
      <button type="button" className="button" onClick={() => onChange([...steps, stepValues("weight")])} disabled={steps.length >= MAX_STEPS}>
        Add step
      </button>
    </fieldset>
  );
}
