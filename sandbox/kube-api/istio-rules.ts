// The part of Istio's validating webhook (validation.istio.io) that matters
// for canary rollouts: destination weights. The CRD schema alone accepts any
// int32, so without this a rollout could "succeed" here and fail on a cluster.
import { isJsonObject, type JsonObject, type StatusCause } from "./types";

const ROUTE_SECTIONS = ["http", "tcp", "tls"] as const;

export function istioWebhookCauses(kind: string, obj: JsonObject): StatusCause[] {
  if (kind !== "VirtualService" || !isJsonObject(obj.spec)) return [];
  const causes: StatusCause[] = [];
  for (const section of ROUTE_SECTIONS) {
    const rules = obj.spec[section];
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule, i) => {
      if (isJsonObject(rule) && Array.isArray(rule.route)) {
        causes.push(...routeCauses(rule.route, `spec.${section}[${i}].route`));
      }
    });
  }
  return causes;
}

function routeCauses(route: unknown[], field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const weights: number[] = [];
  route.forEach((dest, j) => {
    const weight = isJsonObject(dest) && typeof dest.weight === "number" ? dest.weight : 0;
    weights.push(weight);
    if (weight < 0 || weight > 100) {
      const why = weight < 0 ? `weight ${weight} < 0` : `weight ${weight} > 100`;
      causes.push({ reason: "FieldValueInvalid", message: `Invalid value: ${weight}: ${why}`, field: `${field}[${j}].weight` });
    }
  });
  // A single destination may omit its weight (it implicitly gets 100%).
  const total = weights.reduce((a, b) => a + b, 0);
  if (route.length > 1 && total !== 100) {
    causes.push({
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(weights)}: total destination weight = ${total} != 100`,
      field,
    });
  }
  return causes;
}
