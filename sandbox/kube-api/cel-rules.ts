// The CRD's CEL rules (x-kubernetes-validations) that Istio's CRDs carry, evaluated the way the real
// apiextensions server reports them (checked in test/kube-contract). Only the rules these CRDs use
// are understood: `duration(self) >= duration('1ms')` (every duration field of a VirtualService)
// and `!self.contains("*")`. Any other rule is skipped, so a CRD with other rules is not fully checked.
import { fieldPath, show } from "./schema-validate";
import { isJsonObject, type JsonObject, type JsonValue, type StatusCause } from "./types";

type Rule = { rule?: unknown; message?: unknown };

/** The cause the real server adds when schema errors stop it from running the CEL rules. */
export const CEL_SKIPPED: StatusCause = {
  reason: "FieldValueInvalid",
  message: "Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
  field: "<nil>",
};

export function hasCelRules(schema: JsonValue): boolean {
  if (Array.isArray(schema)) return schema.some(hasCelRules);
  if (!isJsonObject(schema)) return false;
  return "x-kubernetes-validations" in schema || Object.values(schema).some(hasCelRules);
}

export function celCauses(schema: JsonObject, obj: JsonObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const walk = (node: JsonValue | undefined, value: JsonValue | undefined, pointer: string) => {
    if (!isJsonObject(node) || value === undefined) return;
    const rules = node["x-kubernetes-validations"];
    if (Array.isArray(rules)) for (const rule of rules) causes.push(...check(rule as Rule, value, fieldPath(obj, pointer)));
    if (isJsonObject(value) && isJsonObject(node.properties)) {
      for (const [key, child] of Object.entries(node.properties)) walk(child, value[key], `${pointer}/${key}`);
    }
    if (isJsonObject(value) && isJsonObject(node.additionalProperties)) {
      for (const [key, child] of Object.entries(value)) walk(node.additionalProperties, child, `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`);
    }
    if (Array.isArray(value) && isJsonObject(node.items)) value.forEach((item, i) => walk(node.items, item, `${pointer}/${i}`));
  };
  walk(schema, obj, "");
  return causes;
}

function check({ rule, message }: Rule, value: JsonValue, field: string): StatusCause[] {
  const text = typeof message === "string" && message ? message : `failed rule: ${String(rule)}`;
  if (rule === "duration(self) >= duration('1ms')") {
    if (typeof value !== "string") return [];
    const ms = goDurationMs(value);
    if (ms === undefined) {
      return [
        {
          reason: "FieldValueInvalid",
          message: `Invalid value: "string": type conversion error from 'string' to 'google.protobuf.Duration' evaluating rule: ${text}`,
          field,
        },
      ];
    }
    return ms >= 1 ? [] : [{ reason: "FieldValueInvalid", message: `Invalid value: ${show(value)}: ${text}`, field }];
  }
  if (rule === '!self.contains("*")') {
    return typeof value === "string" && value.includes("*") ? [{ reason: "FieldValueInvalid", message: `Invalid value: ${show(value)}: ${text}`, field }] : [];
  }
  return [];
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };

/** Go's time.ParseDuration, in milliseconds; undefined when it would fail. */
export function goDurationMs(text: string): number | undefined {
  if (text === "0") return 0;
  const match = /^([-+]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
  if (!match) return undefined;
  let total = 0;
  for (const [, amount, unit] of match[2]!.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit!]!;
  return match[1] === "-" ? -total : total;
}
