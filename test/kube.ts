import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startKubeApi, type KubeApi } from "../sandbox/kube-api/server";
import type { KubeObject } from "../sandbox/kube-api/types";
import { resetDeps } from "../lib/composition/deps";
import { configureWith } from "./config";
import { assertLocalUrl } from "./local-only";

/**
 * The sandbox Kubernetes API (test double) for the calling test file: a free loopback port,
 * seeded VirtualServices, a kubeconfig under .data/test/, and the container's clusters section
 * (as AVIARY_CLUSTERS would say it) pointing the "default" cluster at it, so getDeps() drives the sandbox. Stopped and deleted after the file.
 */
export type VirtualServiceSpec = {
  name?: string;
  namespace?: string;
  route?: string;
  host?: string;
  weights?: [stable: number, canary: number];
};

/** A VirtualService shaped like rolloutInput()'s target: route "primary", subsets stable/canary. */
export function virtualService({ name = "checkout", namespace = "shop", route = "primary", host = "checkout", weights = [100, 0] }: VirtualServiceSpec = {}) {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: { name, namespace },
    spec: {
      hosts: [host],
      http: [
        {
          name: route,
          route: [
            { destination: { host, subset: "stable" }, weight: weights[0] },
            { destination: { host, subset: "canary" }, weight: weights[1] },
          ],
        },
      ],
    },
  };
}

export function uniqueName(prefix = "vs"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

type HttpRoute = { name?: string; route?: { destination: { subset?: string }; weight?: number }[] };

export type TestKube = {
  /** The running sandbox; only valid inside tests (it is set in beforeAll). */
  readonly api: KubeApi;
  readonly kubeconfigPath: string;
  /** Creates (or overwrites) a VirtualService through the sandbox's validation; returns its name. */
  addVirtualService(spec?: VirtualServiceSpec): string;
  get(name: string, namespace?: string): KubeObject;
  /** [stable, canary] of the named route, read from the sandbox store (not through Aviary). */
  weights(name: string, options?: { namespace?: string; route?: string }): [number, number];
  /** A write behind Aviary's back, like `kubectl edit`: bumps resourceVersion. */
  setWeights(name: string, weights: [number, number], options?: { namespace?: string; route?: string }): KubeObject;
  /** Clears faults and deny rules, and waits until the listener is back after a refuse fault. */
  restore(): Promise<void>;
};

export function startKubeForFile({
  seed = [],
  unvalidated = [],
}: {
  seed?: unknown[];
  /**
   * Objects loaded as stored data, skipping admission: what a cluster may hold that the sandbox's
   * webhook rules would refuse today (a relaxed Istio release, objects older than the rule).
   */
  unvalidated?: KubeObject[];
} = {}): TestKube {
  let api: KubeApi | undefined;
  const dir = path.resolve(".data", "test", `kube-${process.pid}-${randomBytes(4).toString("hex")}`);
  const kubeconfigPath = path.join(dir, "kubeconfig");
  let restoreClusters: (() => void) | undefined;

  beforeAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    let dataFile: string | undefined;
    if (unvalidated.length > 0) {
      dataFile = path.join(dir, "objects.json");
      const items = unvalidated.map((object, index) => ({
        resource: "virtualservices",
        object: { ...object, metadata: { uid: `unvalidated-${index}`, generation: 1, ...object.metadata, resourceVersion: String(index + 1) } },
      }));
      await writeFile(dataFile, JSON.stringify({ resourceVersion: unvalidated.length, items }));
    }
    api = await startKubeApi({ port: 0, host: "127.0.0.1", seed, kubeconfigPath, dataFile });
    assertLocalUrl("sandbox Kubernetes API", api.url);
    // getDeps() builds a new kube adapter for the new section (and closes the one built before).
    restoreClusters = configureWith({ AVIARY_CLUSTERS: JSON.stringify({ default: { kubeconfig: kubeconfigPath } }) }, "clusters");
  });

  afterAll(async () => {
    await api?.close();
    await rm(dir, { recursive: true, force: true });
    restoreClusters?.();
    resetDeps();
  });

  const running = () => {
    if (!api) throw new Error("the sandbox Kubernetes API is not running yet: use it inside tests or hooks");
    return api;
  };
  const routeOf = (object: KubeObject, route: string): HttpRoute => {
    const found = ((object.spec as { http?: HttpRoute[] } | undefined)?.http ?? []).find((http) => http.name === route);
    if (!found) throw new Error(`VirtualService ${object.metadata.namespace}/${object.metadata.name} has no route "${route}"`);
    return found;
  };
  const weightOf = (http: HttpRoute, subset: string) => http.route?.find((entry) => entry.destination.subset === subset)?.weight ?? 0;
  const get = (name: string, namespace = "shop") => {
    const object = running().store.get("virtualservices", namespace, name);
    if (!object) throw new Error(`no VirtualService ${namespace}/${name} in the sandbox`);
    return object;
  };

  return {
    get api() {
      return running();
    },
    kubeconfigPath,
    addVirtualService(spec = {}) {
      const name = spec.name ?? uniqueName();
      running().store.put(virtualService({ ...spec, name }));
      return name;
    },
    get,
    weights(name, { namespace = "shop", route = "primary" } = {}) {
      const http = routeOf(get(name, namespace), route);
      return [weightOf(http, "stable"), weightOf(http, "canary")];
    },
    setWeights(name, [stable, canary], { namespace = "shop", route = "primary" } = {}) {
      return running().store.update("virtualservices", namespace, name, (object) => {
        for (const entry of routeOf(object, route).route ?? []) {
          if (entry.destination.subset === "stable") entry.weight = stable;
          if (entry.destination.subset === "canary") entry.weight = canary;
        }
      });
    },
    async restore() {
      const sandbox = running();
      sandbox.faults.clear();
      sandbox.access.clearDenies();
      for (let attempt = 0; !(await accepts(sandbox.port)); attempt++) {
        if (attempt > 100) throw new Error(`the sandbox Kubernetes API did not listen again on port ${sandbox.port}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
