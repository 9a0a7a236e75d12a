import { describe, expect, it } from "vitest";
import { parseMeshConfig, type ServiceConfig } from "./config";
import { resolveHost } from "./istio-labels";
import { readRouteWeights } from "./route-weights";

const profile = { errorRatio: 0, p50Ms: 10, p95Ms: 20 };
const service = (overrides: Partial<ServiceConfig> = {}): ServiceConfig => ({
  namespace: "shop",
  virtualService: "checkout",
  rps: 10,
  destinations: [
    { host: "checkout", subset: "stable", workload: "checkout-v1", profile },
    { host: "checkout.shop.svc.cluster.local", subset: "canary", workload: "checkout-v2", profile },
  ],
  ...overrides,
});
const vs = (...http: unknown[]) => ({ spec: { hosts: ["checkout"], http } });
const route = (name: string | undefined, ...entries: [string, string | undefined, number | undefined][]) => ({
  ...(name && { name }),
  route: entries.map(([host, subset, weight]) => ({ destination: { host, ...(subset && { subset }) }, ...(weight !== undefined && { weight }) })),
});

describe("sandbox mesh (test double): reading route weights", () => {
  it("matches short and fully qualified hosts by host and subset, in config order", () => {
    const object = vs(route(undefined, ["checkout.shop.svc.cluster.local", "canary", 30], ["checkout", "stable", 70]));
    expect(readRouteWeights({ object, service: service() })).toEqual({ weights: [70, 30], unmatchedWeight: 0, unmatched: [] });
  });

  it("picks the named route, and needs a name when there are several", () => {
    const object = vs(route("mirror", ["checkout", "stable", undefined]), route("primary", ["checkout", "stable", 40], ["checkout", "canary", 60]));
    expect(readRouteWeights({ object, service: service({ route: "primary" }) }).weights).toEqual([40, 60]);
    expect(() => readRouteWeights({ object, service: service() })).toThrow(/2 HTTP routes \(mirror, primary\)/);
    expect(() => readRouteWeights({ object, service: service({ route: "nope" }) })).toThrow(/named "nope", found 0/);
  });

  it("gives a lone destination all traffic and counts destinations the config does not know", () => {
    expect(readRouteWeights({ object: vs(route(undefined, ["checkout", "stable", undefined])), service: service() }).weights).toEqual([100, 0]);
    const other = readRouteWeights({ object: vs(route(undefined, ["checkout", "stable", 80], ["legacy", undefined, 20])), service: service() });
    expect(other).toEqual({ weights: [80, 0], unmatchedWeight: 20, unmatched: ["legacy"] });
  });

  it("rejects objects that are not VirtualService-shaped", () => {
    expect(() => readRouteWeights({ object: { spec: { http: "nope" } }, service: service() })).toThrow(/not shaped as expected/);
  });

  it("resolves hosts the way Istio does", () => {
    expect(resolveHost({ host: "checkout", namespace: "shop" })).toEqual({ fqdn: "checkout.shop.svc.cluster.local", name: "checkout", namespace: "shop" });
    expect(resolveHost({ host: "pay.billing.svc.cluster.local", namespace: "shop" })).toEqual({
      fqdn: "pay.billing.svc.cluster.local",
      name: "pay",
      namespace: "billing",
    });
  });
});

describe("sandbox mesh (test double): config validation", () => {
  const base = { kubeconfigPath: "/tmp/kc", services: [service()] };

  it("fills in defaults", () => {
    expect(parseMeshConfig(base)).toMatchObject({ pollIntervalMs: 1000, tickMs: 250, reporters: ["destination", "source"] });
  });

  it.each([
    [
      { ...base, services: [service({ destinations: [{ host: "checkout", workload: "w", profile: { ...profile, p95Ms: 5 } }] })] },
      "services.0.destinations.0.profile.p95Ms",
    ],
    [{ ...base, services: [service(), service()] }, "services.1.virtualService"],
    [
      {
        ...base,
        services: [
          service({
            destinations: [
              { host: "checkout", workload: "w", profile },
              { host: "checkout.shop.svc.cluster.local", workload: "v", profile },
            ],
          }),
        ],
      },
      "services.0.destinations.1.subset",
    ],
    [{ ...base, tickMs: 1 }, "tickMs"],
    [{ ...base, extra: true }, "(root)"],
  ])("names the bad field (%#)", (raw, field) => {
    expect(() => parseMeshConfig(raw)).toThrow(field);
  });
});
