"use client";

import "./rollout-form.css";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field, fieldId } from "@/components/ui/field";
import { ApiError, api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { rolloutDefinitionSchema } from "@/lib/domain/rollout-definition";
import { fieldErrorsFrom } from "@/lib/domain/validation-errors";
import { StepsEditor } from "./steps-editor";
import { TargetCheck } from "./target-check";
import { toPayload, type DestinationValues, type FormValues } from "./form-values";

type Props = { initial: FormValues; mode: { kind: "create" } | { kind: "edit"; id: string; revision: number } };

export function RolloutForm({ initial, mode }: Props) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: (payload: unknown) =>
      mode.kind === "create" ? api.createRollout(payload) : api.updateRollout(mode.id, { ...(payload as object), expectedRevision: mode.revision }),
    onSuccess: async (rollout) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.rollouts.all });
      router.push(`/rollouts/${rollout.id}`);
    },
    onError: (error) => {
      if (error instanceof ApiError && Object.keys(error.fields).length > 0) showErrors(error.fields);
      else setFormError(error.message);
    },
  });

  function showErrors(fields: Record<string, string>) {
    setErrors(fields);
    setFormError(`${Object.keys(fields).length === 1 ? "One field needs" : `${Object.keys(fields).length} fields need`} attention.`);
    const first = Object.keys(fields)[0];
    if (first) requestAnimationFrame(() => document.getElementById(fieldId(first))?.focus());
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    const payload = toPayload(values);
    // Same rules as the server, checked here first so mistakes show without a round trip.
    const local = rolloutDefinitionSchema.safeParse(payload);
    if (!local.success) return showErrors(fieldErrorsFrom(local.error));
    setErrors({});
    save.mutate(payload);
  }

  const set = (key: keyof FormValues) => (event: { target: { value: string } }) => setValues((current) => ({ ...current, [key]: event.target.value }));
  const setDestination = (which: "stable" | "canary", key: keyof DestinationValues) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [which]: { ...current[which], [key]: event.target.value } }));
  const err = (path: string) => errors[path];

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-describedby={formError ? "form-error" : undefined}>
      {formError ? (
        <div id="form-error" className="banner banner-error" role="alert">
          <strong>{formError}</strong>
          {Object.keys(errors).length > 0 ? (
            <ul>
              {Object.entries(errors).map(([path, message]) => (
                <li key={path}>
                  <a href={`#${fieldId(path)}`}>{path}</a>: {message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <fieldset>
        <legend>Rollout</legend>
        <div className="grid-3">
          <Field
            path="name"
            label="Name"
            required
            value={values.name}
            onChange={set("name")}
            error={err("name")}
            hint="e.g. checkout-v2 (lower-case, digits, '-')"
          />
          <Field path="namespace" label="Namespace" required value={values.namespace} onChange={set("namespace")} error={err("namespace")} />
          <Field path="cluster" label="Cluster" value={values.cluster} onChange={set("cluster")} error={err("cluster")} hint="as configured in Aviary" />
        </div>
      </fieldset>

      <fieldset>
        <legend>Traffic routing</legend>
        <div className="grid-2">
          <Field
            path="virtualService"
            label="VirtualService"
            required
            value={values.virtualService}
            onChange={set("virtualService")}
            error={err("virtualService")}
          />
          <Field
            path="route"
            label="HTTP route name"
            value={values.route}
            onChange={set("route")}
            error={err("route")}
            hint="may be left empty only if the VirtualService has a single HTTP route"
          />
        </div>
        {(["stable", "canary"] as const).map((which) => (
          <div className="grid-3" key={which} role="group" aria-label={`${which} destination`}>
            <Field
              path={`${which}.host`}
              label={`${which === "stable" ? "Stable" : "Canary"} host`}
              required
              value={values[which].host}
              onChange={setDestination(which, "host")}
              error={err(`${which}.host`) ?? err(which)}
            />
            <Field
              path={`${which}.subset`}
              label="Subset"
              value={values[which].subset}
              onChange={setDestination(which, "subset")}
              error={err(`${which}.subset`)}
            />
            <Field
              path={`${which}.port`}
              label="Port"
              inputMode="numeric"
              value={values[which].port}
              onChange={setDestination(which, "port")}
              error={err(`${which}.port`)}
            />
          </div>
        ))}
        <TargetCheck target={targetOf(toPayload(values))} onFieldErrors={showErrors} />
      </fieldset>

      <StepsEditor steps={values.steps} errors={errors} onChange={(steps) => setValues((current) => ({ ...current, steps }))} />

      <fieldset>
        <legend>SLIs and SLO</legend>
        <div className="grid-2">
          <Field
            path="metrics.stableWorkload"
            label="Stable workload"
            required
            value={values.stableWorkload}
            onChange={set("stableWorkload")}
            error={err("metrics.stableWorkload")}
            hint="destination_workload in Istio metrics"
          />
          <Field
            path="metrics.canaryWorkload"
            label="Canary workload"
            required
            value={values.canaryWorkload}
            onChange={set("canaryWorkload")}
            error={err("metrics.canaryWorkload")}
          />
          <Field
            path="slo.availability"
            label="Availability objective (%)"
            required
            inputMode="decimal"
            value={values.availability}
            onChange={set("availability")}
            error={err("slo.availability")}
            hint="e.g. 99.9 over 30 days"
          />
          <Field
            path="slo.latencyP95Ms"
            label="P95 latency objective (ms)"
            required
            inputMode="numeric"
            value={values.latencyP95Ms}
            onChange={set("latencyP95Ms")}
            error={err("slo.latencyP95Ms")}
          />
        </div>
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : mode.kind === "create" ? "Create rollout" : "Save changes"}
        </button>
        <button type="button" className="button" onClick={() => router.back()}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function targetOf({ cluster, namespace, virtualService, route, stable, canary }: ReturnType<typeof toPayload>) {
  return { cluster, namespace, virtualService, route, stable, canary };
}
