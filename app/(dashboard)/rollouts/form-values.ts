import type { RolloutDefinition } from "@/lib/domain/rollout";

/**
 * What the form holds (strings, as typed) and how it becomes an API body. Empty optional inputs
 * are left out; numbers that do not parse are sent as typed so the server names the field.
 */
export type DestinationValues = { host: string; subset: string; port: string };
export type StepValues = { weight: string; pauseSeconds: string };
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
    { weight: "5", pauseSeconds: "300" },
    { weight: "25", pauseSeconds: "300" },
    { weight: "50", pauseSeconds: "600" },
    { weight: "100", pauseSeconds: "" },
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

function destination(values: DestinationValues) {
  return { host: values.host.trim(), subset: text(values.subset), port: number(values.port) };
}

export function toPayload(values: FormValues) {
  return {
    name: values.name.trim(),
    namespace: values.namespace.trim(),
    cluster: text(values.cluster),
    virtualService: values.virtualService.trim(),
    route: text(values.route),
    stable: destination(values.stable),
    canary: destination(values.canary),
    steps: values.steps.map((step) => ({ weight: number(step.weight), pauseSeconds: number(step.pauseSeconds) })),
    metrics: { stableWorkload: values.stableWorkload.trim(), canaryWorkload: values.canaryWorkload.trim() },
    slo: { availability: number(values.availability), latencyP95Ms: number(values.latencyP95Ms) },
  };
}

const str = (value: number | string | undefined) => (value === undefined ? "" : String(value));

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
    steps: def.steps.map((step) => ({ weight: str(step.weight), pauseSeconds: str(step.pauseSeconds) })),
    stableWorkload: def.metrics.stableWorkload,
    canaryWorkload: def.metrics.canaryWorkload,
    availability: str(def.slo.availability),
    latencyP95Ms: str(def.slo.latencyP95Ms),
  };
}
