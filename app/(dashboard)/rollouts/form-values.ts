import type { RolloutDefinition } from "@/lib/domain/rollout";
import { DEFAULT_STEP_KIND, kindOf, STEP_KINDS, type Step, type StepKind } from "@/lib/domain/steps/registry";

/**
 * What the form holds (strings, as typed) and how it becomes an API body. Empty optional inputs
 * are left out; numbers that do not parse are sent as typed so the server names the field.
 */
export type DestinationValues = { host: string; subset: string; port: string };
/** A step's row: its kind, and one string per input its kind's entry lists (lib/domain/steps). */
export type StepValues = { kind: StepKind; fields: Record<string, string> };
export type FormValues = {
  name: string;
  namespace: string;
  cluster: string;
  virtualService: string;
  route: string;
  stable: DestinationValues;
  canary: DestinationValues;
  steps: StepValues[];
  stableWorkload: string;
  canaryWorkload: string;
  availability: string;
  latencyP95Ms: string;
};

export const EMPTY_FORM: FormValues = {
  name: "",
  namespace: "",
  cluster: "default",
  virtualService: "",
  route: "",
  stable: { host: "", subset: "stable", port: "" },
  canary: { host: "", subset: "canary", port: "" },
  steps: [
    { kind: "weight", fields: { weight: "5", pauseSeconds: "300" } },
    { kind: "weight", fields: { weight: "25", pauseSeconds: "300" } },
    { kind: "weight", fields: { weight: "50", pauseSeconds: "600" } },
    { kind: "weight", fields: { weight: "100", pauseSeconds: "" } },
  ],
  stableWorkload: "",
  canaryWorkload: "",
  availability: "99.9",
  latencyP95Ms: "300",
};

const text = (value: string) => (value.trim() === "" ? undefined : value.trim());
const number = (value: string) => {
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : trimmed;
};

const str = (value: number | string | undefined) => (value === undefined ? "" : String(value));

/** A new row of a kind, keeping the inputs the kinds share (a weight stays when the kind changes). */
export function stepValues(kind: StepKind, keep: Record<string, string> = {}): StepValues {
  return { kind, fields: Object.fromEntries(STEP_KINDS[kind].form.fields.map((field) => [field.key, keep[field.key] ?? ""])) };
}

/** The step as the API takes it: the default kind is sent without `kind`, as steps always were. */
export function stepPayload({ kind, fields }: StepValues) {
  const values = STEP_KINDS[kind].form.fields.map((field) => [
    field.key,
    field.input === "number" ? number(fields[field.key] ?? "") : text(fields[field.key] ?? ""),
  ]);
  return { ...(kind === DEFAULT_STEP_KIND ? {} : { kind }), ...Object.fromEntries(values) };
}

function fromStep(step: Step): StepValues {
  const stored: Record<string, unknown> = step;
  return stepValues(kindOf(step), Object.fromEntries(Object.keys(stored).map((key) => [key, str(stored[key] as number | string | undefined)])));
}

function destination(values: DestinationValues) {
  return { host: values.host.trim(), subset: text(values.subset), port: number(values.port) };
}

export function toPayload(values: FormValues) {
  return {
    name: values.name.trim(),
    namespace: values.namespace.trim(),
    cluster: text(values.cluster),
    virtualService: values.virtualService.trim(),
    // Taken as written (not trimmed): Istio route names are any string, matched exactly.
    route: values.route.trim() === "" ? undefined : values.route,
    stable: destination(values.stable),
    canary: destination(values.canary),
    steps: values.steps.map(stepPayload),
    metrics: { stableWorkload: values.stableWorkload.trim(), canaryWorkload: values.canaryWorkload.trim() },
    slo: { availability: number(values.availability), latencyP95Ms: number(values.latencyP95Ms) },
  };
}

export function fromDefinition(def: RolloutDefinition): FormValues {
  const dest = (d: RolloutDefinition["stable"]) => ({ host: d.host, subset: d.subset ?? "", port: str(d.port) });
  return {
    name: def.name,
    namespace: def.namespace,
    cluster: def.cluster,
    virtualService: def.virtualService,
    route: def.route ?? "",
    stable: dest(def.stable),
    canary: dest(def.canary),
    steps: def.steps.map(fromStep),
    stableWorkload: def.metrics.stableWorkload,
    canaryWorkload: def.metrics.canaryWorkload,
    availability: str(def.slo.availability),
    latencyP95Ms: str(def.slo.latencyP95Ms),
  };
}
