import { describe, expect, it } from "vitest";
import { fieldErrorsFrom } from "./validation-errors";
import { mergeDefinition, rolloutDefinitionPatchSchema, rolloutDefinitionSchema } from "./rollout-definition";
import type { RolloutDefinition } from "./rollout";

const valid = {
  name: "checkout-v2",
  namespace: "shop",
  virtualService: "checkout",
  route: "primary",
  stable: { host: "checkout.shop.svc.cluster.local", subset: "stable" },
  canary: { host: "checkout.shop.svc.cluster.local", subset: "canary", port: 8080 },
  steps: [{ weight: 5, pauseSeconds: 300 }, { weight: 25 }, { weight: 50 }, { weight: 100 }],
  metrics: { stableWorkload: "checkout-v1", canaryWorkload: "checkout-v2" },
  slo: { availability: 99.9, latencyP95Ms: 300 },
};

function errorsFor(input: unknown) {
  const result = rolloutDefinitionSchema.safeParse(input);
  return result.success ? {} : fieldErrorsFrom(result.error);
}

const withField = (path: string[], value: unknown) => {
  const copy = structuredClone(valid) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path.at(-1)!] = value;
  return copy;
};

describe("rollout definition", () => {
  it("accepts a complete definition and defaults the cluster", () => {
    const result = rolloutDefinitionSchema.parse(valid);
    expect(result.cluster).toBe("default");
    expect(result.steps).toHaveLength(4);
  });

  it("takes a route name as Istio does, any one-line string, exactly as written", () => {
    // From Istio's analyzer test data (pkg/config/analysis/analyzers/testdata, Apache-2.0), and spaces at the ends kept.
    for (const route of ["send /api/v1/products to sample.foo", "Default Route", " padded ", "路由-v2"]) {
      expect(rolloutDefinitionSchema.parse({ ...valid, route }).route).toBe(route);
    }
  });

  it("accepts a definition without route, subsets, ports or pauses", () => {
    const minimal = { ...valid, route: undefined, stable: { host: "checkout" }, canary: { host: "checkout-canary" }, steps: [{ weight: 10 }] };
    expect(errorsFor(minimal)).toEqual({});
  });

  it.each([
    ["name", "Checkout", "DNS-1123 label"],
    ["name", "-checkout", "DNS-1123 label"],
    ["name", "a".repeat(64), "at most 63"],
    ["name", "x".repeat(1_000_000), "at most 63"],
    ["name", "", "is required"],
    ["name", 42, "must be a string"],
    ["namespace", "shop_1", "DNS-1123 label"],
    ["virtualService", "Checkout VS", "DNS-1123 name"],
    ["route", "", "must not be empty"],
    ["route", "primary\nsecondary", "control character"],
    ["route", "r".repeat(254), "at most 253"],
    ["cluster", "Prod!", "DNS-1123 label"],
  ])("rejects %s = %j", (field, value, message) => {
    expect(errorsFor(withField([field], value))[field]).toContain(message);
  });

  it("names missing required fields", () => {
    const { name: _n, steps: _s, ...rest } = valid;
    const errors = errorsFor(rest);
    expect(errors.name).toBe("name is required");
    expect(errors.steps).toBe("steps is required");
  });

  it.each([
    [[0], "steps.0.weight", "at least 1"],
    [[101], "steps.0.weight", "at most 100"],
    [[10.5], "steps.0.weight", "whole number"],
    [[5, 5], "steps.1.weight", "strictly increasing"],
    [[50, 25, 100], "steps.1.weight", "strictly increasing"],
    [[], "steps", "at least one step"],
  ])("rejects steps with weights %j", (weights, path, message) => {
    const errors = errorsFor({ ...valid, steps: weights.map((weight) => ({ weight })) });
    expect(errors[path]).toContain(message);
  });

  it("rejects 500 steps", () => {
    const steps = Array.from({ length: 500 }, (_, i) => ({ weight: (i % 100) + 1 }));
    expect(errorsFor({ ...valid, steps }).steps).toContain("at most 20");
  });

  it("rejects a weight given as a string and a negative pause", () => {
    const errors = errorsFor({ ...valid, steps: [{ weight: "5" }, { weight: 10, pauseSeconds: -1 }] });
    expect(errors["steps.0.weight"]).toContain("must be a number");
    expect(errors["steps.1.pauseSeconds"]).toContain("at least 0");
  });

  it("accepts a hold step beside stored-style weight steps, keeping both as given", () => {
    const steps = [{ weight: 5, pauseSeconds: 300 }, { weight: 25 }, { kind: "hold", weight: 50, reason: "release captain sign-off" }, { weight: 100 }];
    expect(rolloutDefinitionSchema.parse({ ...valid, steps }).steps).toEqual(steps);
  });

  it("refuses a bad hold step, naming its field", () => {
    const errors = errorsFor({
      ...valid,
      steps: [{ weight: 5 }, { kind: "hold", weight: 25 }, { kind: "hold", weight: 20, reason: "sign-off" }, { kind: "wait", weight: 60 }],
    });
    expect(errors["steps.1.reason"]).toBe("reason is required");
    expect(errors["steps.3.kind"]).toBe("kind must be one of weight, hold (absent means weight)");
    const lower = errorsFor({ ...valid, steps: [{ weight: 25 }, { kind: "hold", weight: 20, reason: "sign-off" }] });
    expect(lower["steps.1.weight"]).toBe("weights must be strictly increasing: 20% comes after 25%");
  });

  it("rejects bad destinations", () => {
    expect(errorsFor(withField(["stable", "port"], 70000))["stable.port"]).toContain("at most 65535");
    expect(errorsFor(withField(["canary", "host"], "Checkout!"))["canary.host"]).toContain("DNS-1123");
    expect(errorsFor(withField(["canary"], "checkout"))["canary"]).toContain("must be an object");
    expect(errorsFor(withField(["canary"], valid.stable))["canary"]).toContain("different destination");
  });

  it("rejects SLO targets outside (0, 100) and non-integer latency", () => {
    expect(errorsFor(withField(["slo", "availability"], 100))["slo.availability"]).toContain("below 100%");
    expect(errorsFor(withField(["slo", "availability"], 0))["slo.availability"]).toContain("above 0%");
    expect(errorsFor(withField(["slo", "latencyP95Ms"], 0.5))["slo.latencyP95Ms"]).toContain("whole number");
  });

  it("rejects identical stable and canary workloads", () => {
    const errors = errorsFor(withField(["metrics", "canaryWorkload"], "checkout-v1"));
    expect(errors["metrics.canaryWorkload"]).toContain("must differ");
  });

  it("rejects unknown fields at every level, by name", () => {
    const errors = errorsFor({ ...valid, weight: 5, stable: { ...valid.stable, zone: "a" } });
    expect(errors.weight).toBe('unknown field "weight"');
    expect(errors["stable.zone"]).toBe('unknown field "zone"');
  });

  it("rejects a body that is not an object", () => {
    expect(errorsFor([valid])["(body)"]).toContain("JSON object");
    expect(errorsFor(null)["(body)"]).toContain("JSON object");
  });
});

describe("definition patch", () => {
  const current = rolloutDefinitionSchema.parse(valid) as RolloutDefinition;

  it("re-validates the merged definition", () => {
    const patch = rolloutDefinitionPatchSchema.parse({ metrics: { stableWorkload: "a", canaryWorkload: "a" } });
    const merged = mergeDefinition(current, patch);
    expect(merged.success).toBe(false);
  });

  it("applies a valid change and keeps the rest", () => {
    const patch = rolloutDefinitionPatchSchema.parse({ steps: [{ weight: 10 }, { weight: 100 }], expectedRevision: 3 });
    const merged = mergeDefinition(current, patch);
    expect(merged.success && merged.data.steps).toEqual([{ weight: 10 }, { weight: 100 }]);
    expect(merged.success && merged.data.name).toBe("checkout-v2");
    expect(merged.success && "expectedRevision" in merged.data).toBe(false);
  });

  it("refuses an empty patch and unknown fields", () => {
    expect(rolloutDefinitionPatchSchema.safeParse({}).success).toBe(false);
    expect(rolloutDefinitionPatchSchema.safeParse({ expectedRevision: 2 }).success).toBe(false);
    const unknown = rolloutDefinitionPatchSchema.safeParse({ status: "promoted" });
    expect(unknown.success ? {} : fieldErrorsFrom(unknown.error)).toMatchObject({ status: 'unknown field "status"' });
  });
});
