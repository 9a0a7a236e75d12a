import { writeFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { isAppError, type AppError } from "@/lib/app-error";
import { locateRoute, weightPatch, type JsonPatchOp } from "@/lib/domain/virtual-service-route";
import type { Rollout } from "@/lib/domain/rollout";
import { NORMAL_WRITE, ROLLBACK_WRITE, writeWeights } from "@/lib/server/write-weights";
import type { KubeObject } from "@/sandbox/kube-api/types";
import { freePort } from "@/test/free-port";
import { virtualService } from "@/test/kube";
import { KUBE_BACKENDS, kubeBackendForFile, type KubeBackend } from "@/test/kube-backends";
import { createKubeAdapter, KubeError, type KubePort } from "./virtual-services";

/**
 * The Kubernetes adapter through real client-node calls, against both the real API server
 * (tools/kube-apiserver) and the sandbox double (sandbox/kube-api): every way a VirtualService can
 * be unusable, what a patch may touch, and conditional writes. Tests that need faults, deny rules
 * or the Istio webhook's weight rule exist only in the sandbox and run only there (`sandboxOnly`).
 */

/** Every field Aviary must leave alone, so the deep comparison below means something. */
const rich = {
  apiVersion: "networking.istio.io/v1",
  kind: "VirtualService",
  metadata: { name: "rich", namespace: "shop", labels: { app: "checkout", team: "payments" }, annotations: { "example.com/owner": "payments" } },
  spec: {
    hosts: ["checkout", "checkout.example.com"],
    gateways: ["mesh", "shop/public"],
    http: [
      {
        name: "debug",
        match: [{ headers: { "x-debug": { exact: "1" } } }],
        route: [{ destination: { host: "checkout", subset: "canary" } }],
      },
      {
        name: "primary",
        match: [{ uri: { prefix: "/" } }],
        timeout: "3s",
        retries: { attempts: 3, perTryTimeout: "1s", retryOn: "5xx,reset" },
        headers: { request: { set: { "x-route": "primary" } } },
        mirror: { host: "checkout-shadow" },
        mirrorPercentage: { value: 5 },
        route: [
          {
            destination: { host: "checkout", subset: "stable", port: { number: 8080 } },
            weight: 100,
            headers: { response: { add: { "x-version": "stable" } } },
          },
          { destination: { host: "checkout", subset: "canary", port: { number: 8080 } }, weight: 0 },
        ],
      },
    ],
    tcp: [{ match: [{ port: 9000 }], route: [{ destination: { host: "checkout", port: { number: 9000 } } }] }],
  },
};

const twoRoutes = (name: string, names: [string, string]) => {
  const vs = virtualService({ name });
  const [first] = vs.spec.http;
  vs.spec.http = [
    { ...first!, name: names[0] },
    { ...first!, name: names[1] },
  ];
  return vs;
};

const withRoute = (name: string, route: { destination: { host: string; subset?: string }; weight?: number }[]) => {
  const vs = virtualService({ name });
  vs.spec.http = [{ name: "primary", route: route as (typeof vs.spec.http)[0]["route"] }];
  return vs;
};

const seed = () => ({
  seed: [
    rich,
    virtualService({ name: "plain" }),
    twoRoutes("same-names", ["primary", "primary"]),
    twoRoutes("unnamed-pick", ["a", "b"]),
    withRoute("no-canary", [{ destination: { host: "checkout", subset: "stable" } }]),
    withRoute("implicit-weight", [
      { destination: { host: "checkout", subset: "stable" }, weight: 100 },
      { destination: { host: "checkout", subset: "canary" } },
    ]),
    withRoute("three-way", [
      { destination: { host: "checkout", subset: "stable" }, weight: 80 },
      { destination: { host: "checkout", subset: "canary" }, weight: 10 },
      { destination: { host: "checkout", subset: "legacy" }, weight: 10 },
    ]),
  ],
  // Admission (sum to 100) refuses this today; newer Istio releases accept it, so clusters hold it.
  unvalidated: [
    withRoute("bad-sum", [
      { destination: { host: "checkout", subset: "stable" }, weight: 90 },
      { destination: { host: "checkout", subset: "canary" }, weight: 20 },
    ]) as unknown as KubeObject,
  ],
});

const target = { route: "primary", stable: { host: "checkout", subset: "stable" }, canary: { host: "checkout", subset: "canary" } };
const rollout = (name: string, canaryWeight = 0) => ({ ...target, cluster: "default", namespace: "shop", virtualService: name, canaryWeight }) as Rollout;
const ref = (name: string) => ({ cluster: "default", namespace: "shop", name });

async function failure(promise: Promise<unknown>): Promise<{ kind: string | null; error: AppError }> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (caught: unknown) => caught,
  );
  if (error instanceof KubeError) return { kind: error.failure.kind, error: error.failure.error };
  if (isAppError(error)) return { kind: null, error };
  throw error;
}

/** A message that starts with `text` (tools/kube-apiserver's stand-in for RBAC appends its reason to a 403). */
const prefixed = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);

/** What is left once the fields a weight patch may change are removed. */
function withoutWeights(object: KubeObject) {
  const copy = structuredClone(object) as KubeObject & { spec: { http: { route?: { weight?: number }[] }[] } };
  const { resourceVersion: _rv, generation: _generation, managedFields: _managed, ...metadata } = copy.metadata;
  for (const http of copy.spec.http) for (const entry of http.route ?? []) delete entry.weight;
  return { ...copy, metadata };
}

describe.each(KUBE_BACKENDS)("the Kubernetes adapter against the %s API server", (backend) => {
  const kube: KubeBackend = kubeBackendForFile(backend, seed());
  const sandboxOnly = backend === "sandbox" ? it : it.skip;
  /** The sandbox's fault and deny controls; only sandboxOnly tests use them. */
  const sandbox = () => {
    if (!kube.sandbox) throw new Error("faults and deny rules exist only in the sandbox");
    return kube.sandbox;
  };
  let adapter: KubePort | undefined;
  const port = () => (adapter ??= createKubeAdapter({ configs: { default: { kubeconfig: kube.kubeconfigPath } } }));

  afterEach(async () => {
    await kube.restore();
  });

  describe("reading a VirtualService and locating the rollout's route", () => {
    it("reads the live weights of the named route", async () => {
      const vs = await port().readVirtualService(ref("rich"));
      expect(vs).toMatchObject({ name: "rich", namespace: "shop", resourceVersion: (await kube.get("rich")).metadata.resourceVersion });
      expect(locateRoute(vs, target)).toEqual({ routeIndex: 1, routeName: "primary", stableIndex: 0, canaryIndex: 1, stableWeight: 100, canaryWeight: 0 });
    });

    it("a missing VirtualService is a final TARGET_INVALID naming it", async () => {
      const { kind, error } = await failure(port().readVirtualService(ref("ghost")));
      expect(kind).toBe("final");
      expect(error.code).toBe("TARGET_INVALID");
      expect(error.message).toBe('VirtualService shop/ghost in cluster "default" does not exist');
    });

    const located = async (name: string, route: string | undefined) =>
      failure(
        port()
          .readVirtualService(ref(name))
          .then((vs) => locateRoute(vs, { ...target, route })),
      );

    it.each([
      ["the route is missing", "plain", "other", 'has no HTTP route named "other" (routes: primary)'],
      ["the route name is ambiguous", "same-names", "primary", 'has 2 HTTP routes named "primary"; the name must be unique'],
      ["no route is named and there are several", "unnamed-pick", undefined, 'has 2 HTTP routes; name the one to drive in the rollout\'s "route" field'],
      ["the canary destination is missing", "no-canary", "primary", 'route "primary" has no destination checkout subset canary (the canary one)'],
      [
        "there are extra destinations",
        "three-way",
        "primary",
        'route "primary" has 3 destinations; Aviary drives routes with exactly a stable and a canary destination',
      ],
      ["the weights do not sum to 100", "bad-sum", "primary", 'route "primary" weights are 90 (stable) + 20 (canary) = 110, not 100'],
    ])("refuses when %s", async (_label, name, route, problem) => {
      const { error } = await located(name, route);
      expect(error.code).toBe("TARGET_INVALID");
      expect(error.message).toBe(`VirtualService shop/${name}: ${problem}`);
    });

    it("a missing stable destination is named as such", async () => {
      const { error } = await failure(
        port()
          .readVirtualService(ref("plain"))
          .then((vs) => locateRoute(vs, { ...target, stable: { host: "checkout", subset: "blue" } })),
      );
      expect(error.message).toContain("has no destination checkout subset blue (the stable one)");
    });

    it("a 403 on patch (a user who may only read) is final and says who may not do what", async () => {
      const path = `${kube.kubeconfigPath}.reader`;
      await writeFile(path, kube.kubeconfigWithToken(kube.readOnlyToken));
      const reader = createKubeAdapter({ configs: { default: { kubeconfig: path } } });
      const vs = await reader.readVirtualService(ref("plain"));
      const patch = await failure(reader.patchVirtualService({ ...ref("plain"), ops: weightPatch(vs, locateRoute(vs, target), 10) }));
      expect(patch.kind).toBe("final");
      expect(patch.error.code).toBe("KUBE_ERROR");
      expect(patch.error.status).toBe(502);
      expect(patch.error.message).toMatch(
        prefixed(
          'cluster "default" forbids Aviary to patch VirtualService shop/plain in cluster "default": ' +
            'virtualservices.networking.istio.io "plain" is forbidden: User "aviary-test-reader" cannot patch resource "virtualservices" in API group "networking.istio.io" in the namespace "shop"',
        ),
      );
      expect(await kube.weights("plain")).toEqual([100, 0]);
    });

    sandboxOnly("a 403 on read is final too (a deny rule: sandbox only)", async () => {
      sandbox().access.deny({ verbs: ["get"], name: "plain" });
      const read = await failure(port().readVirtualService(ref("plain")));
      expect(read).toMatchObject({ kind: "final", error: { code: "KUBE_ERROR" } });
      expect(read.error.message).toContain("forbids Aviary to read");
    });

    it("rejected credentials (401) are final", async () => {
      const kubeconfig = kube.kubeconfigWithToken("not-a-known-token");
      const path = `${kube.kubeconfigPath}.bad-token`;
      await writeFile(path, kubeconfig);
      const other = createKubeAdapter({ configs: { default: { kubeconfig: path } } });
      const { kind, error } = await failure(other.readVirtualService(ref("plain")));
      expect(kind).toBe("final");
      expect(error.message).toBe(`cluster "default" rejected Aviary's credentials (401)`);
    });

    sandboxOnly("an unreachable cluster is transient and says why: refused, reset, timed out (faults: sandbox only)", async () => {
      sandbox().faults.set({ refuseConnections: true });
      const refused = await failure(port().readVirtualService(ref("plain")));
      expect(refused.kind).toBe("transient");
      expect(refused.error).toMatchObject({ code: "KUBE_UNAVAILABLE", status: 503 });
      expect(refused.error.message).toBe(`cluster "default" could not be reached to read VirtualService shop/plain in cluster "default" (connection refused)`);
      await kube.restore();

      sandbox().faults.set({ refuseConnections: "reset", methods: ["PATCH"] });
      const vs = await port().readVirtualService(ref("plain"));
      const reset = await failure(port().patchVirtualService({ ...ref("plain"), ops: weightPatch(vs, locateRoute(vs, target), 10) }));
      expect(reset).toMatchObject({ kind: "transient", error: { code: "KUBE_UNAVAILABLE" } });
      expect(reset.error.message).toContain("(connection reset)");
      expect(await kube.weights("plain")).toEqual([100, 0]);

      sandbox().faults.set({ latencyMs: 600 });
      const slow = createKubeAdapter({ configs: { default: { kubeconfig: kube.kubeconfigPath } }, timeoutMs: 150 });
      const timedOut = await failure(slow.readVirtualService(ref("plain")));
      expect(timedOut).toMatchObject({ kind: "transient", error: { code: "KUBE_UNAVAILABLE" } });
      expect(timedOut.error.message).toContain("(timed out)");
    });

    it("a cluster where nothing listens is transient: connection refused", async () => {
      const nowhere = kube.kubeconfigWithToken(kube.token).replace(kube.url, `https://127.0.0.1:${await freePort()}`);
      const path = `${kube.kubeconfigPath}.nowhere`;
      await writeFile(path, nowhere);
      const gone = await failure(createKubeAdapter({ configs: { default: { kubeconfig: path } } }).readVirtualService(ref("plain")));
      expect(gone).toMatchObject({ kind: "transient", error: { code: "KUBE_UNAVAILABLE" } });
      expect(gone.error.message).toContain("(connection refused)");
    });

    sandboxOnly("a server error (500) is transient (a fault: sandbox only)", async () => {
      sandbox().faults.set({ failRate: 1, methods: ["GET"] });
      const { kind, error } = await failure(port().readVirtualService(ref("plain")));
      expect(kind).toBe("transient");
      expect(error.message).toMatch(/^cluster "default" answered 500 to read VirtualService shop\/plain/);
    });

    it("a cluster Aviary has no configuration for is named", async () => {
      const { error } = await failure(port().readVirtualService({ ...ref("plain"), cluster: "eu" }));
      expect(error).toMatchObject({
        code: "TARGET_INVALID",
        message: expect.stringContaining('cluster "eu" is not configured in Aviary (configured: default)'),
      });
    });
  });

  describe("patching weights", () => {
    it("changes the two weights and nothing else", async () => {
      const before = await kube.get("rich");
      expect(before.spec).toMatchObject({
        gateways: rich.spec.gateways,
        tcp: rich.spec.tcp,
        http: [{ match: rich.spec.http[0]!.match }, { mirrorPercentage: { value: 5 } }],
      });
      const vs = await port().readVirtualService(ref("rich"));
      const written = await port().patchVirtualService({ ...ref("rich"), ops: weightPatch(vs, locateRoute(vs, target), 25) });

      const after = await kube.get("rich");
      expect(await kube.weights("rich")).toEqual([75, 25]);
      expect(withoutWeights(after)).toEqual(withoutWeights(before));
      const weightsOf = (object: KubeObject) =>
        (object.spec as typeof rich.spec).http.map((http) => http.route.map((entry) => (entry as { weight?: number }).weight));
      expect(weightsOf(after)).toEqual([[undefined], [75, 25]]);
      expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
      expect(after.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
      expect(written).toEqual(await port().readVirtualService(ref("rich")));
    });

    it("adds a weight the canary destination did not have yet", async () => {
      const before = await kube.get("implicit-weight");
      const vs = await port().readVirtualService(ref("implicit-weight"));
      const located = locateRoute(vs, target);
      expect(located).toMatchObject({ stableWeight: 100, canaryWeight: 0 });
      await port().patchVirtualService({ ...ref("implicit-weight"), ops: weightPatch(vs, located, 5) });
      expect(await kube.weights("implicit-weight")).toEqual([95, 5]);
      expect(withoutWeights(await kube.get("implicit-weight"))).toEqual(withoutWeights(before));
    });

    it("a patch that changes nothing is not a write", async () => {
      const before = await kube.get("plain");
      const vs = await port().readVirtualService(ref("plain"));
      await port().patchVirtualService({ ...ref("plain"), ops: weightPatch(vs, locateRoute(vs, target), 0) });
      expect(await kube.get("plain")).toEqual(before);
    });

    it("an external write between read and patch is a conflict, not a lost update", async () => {
      const name = await kube.addVirtualService();
      const vs = await port().readVirtualService(ref(name));
      const ops = weightPatch(vs, locateRoute(vs, target), 25);
      await kube.update(name, (object) => {
        (object.spec as { http: { timeout?: string }[] }).http[0]!.timeout = "9s";
      });
      const external = await kube.get(name);

      const { kind, error } = await failure(port().patchVirtualService({ ...ref(name), ops }));
      expect(kind).toBe("conflict");
      expect(error).toMatchObject({ code: "CONFLICT", status: 409 });
      expect(error.message).toBe(`VirtualService shop/${name} in cluster "default" changed while Aviary was writing it`);
      expect(await kube.get(name)).toEqual(external);
    });

    sandboxOnly("a 409 from the server is a conflict too (a fault: sandbox only)", async () => {
      sandbox().faults.set({ conflictStorm: 1 });
      const vs = await port().readVirtualService(ref("plain"));
      const { kind } = await failure(port().patchVirtualService({ ...ref("plain"), ops: weightPatch(vs, locateRoute(vs, target), 10) }));
      expect(kind).toBe("conflict");
      expect(await kube.weights("plain")).toEqual([100, 0]);
    });

    it("a patch the CRD's CEL rule refuses is final (422 with causes, not a conflict)", async () => {
      const name = await kube.addVirtualService();
      const vs = await port().readVirtualService(ref(name));
      const ops: JsonPatchOp[] = [{ op: "add", path: "/spec/http/0/timeout", value: "0.5ms" }];
      const { kind, error } = await failure(port().patchVirtualService({ ...ref(name), ops }));
      expect(kind).toBe("final");
      expect(error.code).toBe("KUBE_ERROR");
      expect(error.message).toContain('spec.http[0].timeout: Invalid value: "0.5ms": must be a valid duration greater than 1ms');
      expect((await kube.get(name)).metadata.resourceVersion).toBe(vs.resourceVersion);
    });

    sandboxOnly("a patch the Istio webhook's weight rule refuses is final, whatever the object is called (no webhook on the real server)", async () => {
      const name = await kube.addVirtualService({ name: "latest-test" });
      const vs = await port().readVirtualService(ref(name));
      const ops: JsonPatchOp[] = [{ op: "replace", path: "/spec/http/0/route/1/weight", value: 20 }];
      const { kind, error } = await failure(port().patchVirtualService({ ...ref(name), ops }));
      expect(kind).toBe("final");
      expect(error.code).toBe("KUBE_ERROR");
      expect(error.message).toContain("total destination weight = 120 != 100");
      expect((await kube.get(name)).metadata.resourceVersion).toBe(vs.resourceVersion);
    });
  });

  describe("conditional writes (writeWeights)", () => {
    const noSleep = { sleep: async () => {} };
    const start = async (name: string) => {
      const vs = await port().readVirtualService(ref(name));
      return { vs, located: locateRoute(vs, target) };
    };

    it("retries past an unrelated external edit and keeps it", async () => {
      const name = await kube.addVirtualService();
      const read = await start(name);
      await kube.update(name, (object) => {
        (object.spec as { http: { timeout?: string }[] }).http[0]!.timeout = "9s";
      });
      const result = await writeWeights({ kube: port(), ...noSleep }, { rollout: rollout(name), ...read, canaryWeight: 25, policy: NORMAL_WRITE });
      expect(result.attempts).toBe(2);
      expect(await kube.weights(name)).toEqual([75, 25]);
      expect(((await kube.get(name)).spec as { http: { timeout?: string }[] }).http[0]?.timeout).toBe("9s");
    });

    it("stops on drift instead of overwriting someone else's weights", async () => {
      const name = await kube.addVirtualService();
      const read = await start(name);
      await kube.setWeights(name, [60, 40]);
      const error = await writeWeights({ kube: port(), ...noSleep }, { rollout: rollout(name), ...read, canaryWeight: 25, policy: NORMAL_WRITE }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "DRIFT", message: expect.stringContaining("now sends 40% to the canary, Aviary recorded 0%") });
      expect(await kube.weights(name)).toEqual([60, 40]);
    });

    it("a rollback writes through drift", async () => {
      const name = await kube.addVirtualService({ weights: [75, 25] });
      const read = await start(name);
      await kube.setWeights(name, [60, 40]);
      await writeWeights({ kube: port(), ...noSleep }, { rollout: rollout(name, 25), ...read, canaryWeight: 0, policy: ROLLBACK_WRITE });
      expect(await kube.weights(name)).toEqual([100, 0]);
    });

    it("counts a write whose answer was lost as done once a re-read shows it", async () => {
      const name = await kube.addVirtualService();
      const read = await start(name);
      // Lands the target behind our back, then refuses our own write: the re-read must see success.
      await kube.setWeights(name, [75, 25]);
      const result = await writeWeights({ kube: port(), ...noSleep }, { rollout: rollout(name), ...read, canaryWeight: 25, policy: NORMAL_WRITE });
      expect(result.attempts).toBe(1);
      expect(await kube.weights(name)).toEqual([75, 25]);
    });
  });
});
