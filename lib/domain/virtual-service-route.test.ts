import { describe, expect, it } from "vitest";
import { locateRoute, weightPatch, type VirtualServiceView } from "./virtual-service-route";

const stable = { host: "checkout", subset: "stable" };
const canary = { host: "checkout", subset: "canary" };

function vs(http: VirtualServiceView["http"]): VirtualServiceView {
  return { name: "checkout", namespace: "shop", resourceVersion: "42", http };
}
const twoDestinations = (stableWeight?: number, canaryWeight?: number, name = "primary") => ({
  name,
  route: [
    { destination: { host: "checkout", subset: "stable" }, ...(stableWeight === undefined ? {} : { weight: stableWeight }) },
    { destination: { host: "checkout", subset: "canary" }, ...(canaryWeight === undefined ? {} : { weight: canaryWeight }) },
  ],
});

describe("locating the rollout's route", () => {
  it("finds the named route among several and reads its weights", () => {
    const found = locateRoute(vs([{ name: "admin", route: [{ destination: { host: "admin" } }] }, twoDestinations(75, 25)]), {
      route: "primary",
      stable,
      canary,
    });
    expect(found).toEqual({ routeIndex: 1, routeName: "primary", stableIndex: 0, canaryIndex: 1, stableWeight: 75, canaryWeight: 25 });
  });

  it("uses the only route when none is named", () => {
    expect(locateRoute(vs([twoDestinations(100, 0)]), { stable, canary }).routeIndex).toBe(0);
  });

  it.each([
    ["a missing named route", vs([twoDestinations(100, 0, "other")]), "primary", /no HTTP route named "primary" \(routes: other\)/],
    ["an ambiguous route name", vs([twoDestinations(100, 0), twoDestinations(100, 0)]), "primary", /2 HTTP routes named "primary"/],
    ["several routes and no name", vs([twoDestinations(100, 0, "a"), twoDestinations(100, 0, "b")]), undefined, /has 2 HTTP routes; name the one/],
    ["no routes at all", vs([]), undefined, /has 0 HTTP routes/],
    [
      "a missing canary destination",
      vs([{ name: "primary", route: [{ destination: stable, weight: 100 }] }]),
      "primary",
      /no destination checkout subset canary \(the canary one\)/,
    ],
    [
      "an extra destination",
      vs([{ name: "primary", route: [...twoDestinations(50, 40).route, { destination: { host: "checkout", subset: "v3" }, weight: 10 }] }]),
      "primary",
      /3 destinations/,
    ],
    ["weights not summing to 100", vs([twoDestinations(70, 20)]), "primary", /70 \(stable\) \+ 20 \(canary\) = 90, not 100/],
  ])("reports %s", (_label, view, route, message) => {
    expect(() => locateRoute(view, { route, stable, canary })).toThrow(message);
  });

  it("matches ports only when the rollout names one", () => {
    const view = vs([
      {
        name: "primary",
        route: [
          { destination: { ...stable, port: { number: 80 } }, weight: 100 },
          { destination: canary, weight: 0 },
        ],
      },
    ]);
    expect(() => locateRoute(view, { route: "primary", stable, canary })).not.toThrow();
    expect(() => locateRoute(view, { route: "primary", stable: { ...stable, port: 8080 }, canary })).toThrow(/the stable one/);
  });
});

describe("the weight patch", () => {
  it("tests the version and the route's shape, then sets both weights to sum 100", () => {
    const view = vs([{ name: "admin" }, twoDestinations(95, 5)]);
    const ops = weightPatch(view, locateRoute(view, { route: "primary", stable, canary }), 25);
    expect(ops).toEqual([
      { op: "test", path: "/metadata/resourceVersion", value: "42" },
      { op: "test", path: "/spec/http/1/name", value: "primary" },
      { op: "test", path: "/spec/http/1/route/0/destination/host", value: "checkout" },
      { op: "test", path: "/spec/http/1/route/1/destination/host", value: "checkout" },
      { op: "replace", path: "/spec/http/1/route/0/weight", value: 75 },
      { op: "replace", path: "/spec/http/1/route/1/weight", value: 25 },
    ]);
  });

  it("adds weights that the VirtualService left implicit", () => {
    const view = vs([{ name: "primary", route: [{ destination: stable, weight: 100 }, { destination: canary }] }]);
    const ops = weightPatch(view, locateRoute(view, { route: "primary", stable, canary }), 5);
    expect(ops.at(-1)).toEqual({ op: "add", path: "/spec/http/0/route/1/weight", value: 5 });
  });

  it("refuses weights outside 0..100", () => {
    const view = vs([twoDestinations(100, 0)]);
    const located = locateRoute(view, { route: "primary", stable, canary });
    expect(() => weightPatch(view, located, 101)).toThrow(/between 0 and 100/);
    expect(() => weightPatch(view, located, 2.5)).toThrow(/between 0 and 100/);
  });
});
