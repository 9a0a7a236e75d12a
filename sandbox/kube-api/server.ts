// Sandbox Kubernetes API server: a local HTTPS *test double* of kube-apiserver
// for the networking.istio.io resources Aviary uses. See README.md.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import type { Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AccessControl, newToken, type TokenMap } from "./auth";
import { FaultController } from "./faults";
import { buildKubeconfig, writeKubeconfig } from "./kubeconfig";
import { MemoryStore } from "./memory-store";
import { Registry } from "./registry";
import { createRequestHandler } from "./request-handler";
import { RequestLog } from "./request-log";
import { loadResources } from "./resources";
import { createSandboxStore, type SandboxStore } from "./sandbox-store";
import { generateTls } from "./tls";

export type StartKubeApiOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Persist objects to this JSON file; in-memory only when omitted. */
  dataFile?: string;
  /** Where to write the kubeconfig; a temp file (removed on close) when omitted. */
  kubeconfigPath?: string;
  /** Accepted bearer tokens. The kubeconfig uses the first "all" token (one is generated if none). */
  tokens?: TokenMap;
  /** Directory with the CRD YAML files; defaults to AVIARY_ISTIO_CRD_DIR, else the Istio CRDs in ./crds. */
  crdDir?: string;
  /** Objects created at start unless they already exist (e.g. from dataFile). */
  seed?: unknown[];
  /** How many changes watches can resume from (older resourceVersions get 410); default 1000. */
  watchHistory?: number;
  /** Interval of BOOKMARK events on watches that allow them; default 1000 ms. */
  bookmarkIntervalMs?: number;
};

/** Open watches, and the faults only a watch can suffer. */
export type WatchControl = {
  open(): number;
  /** Forget the history up to now (an etcd compaction): open watches end with 410 Expired. */
  compact(): void;
  /** Cut every open watch connection without an event, as a network failure would. */
  disconnect(): void;
};

export type KubeApi = {
  url: string;
  port: number;
  kubeconfigPath: string;
  kubeconfigYaml: string;
  caPem: string;
  /** The kubeconfig user's token. */
  token: string;
  store: SandboxStore;
  faults: FaultController;
  access: AccessControl;
  /** Every request that reached the API (not /sandbox), with its verb: what a feature costs the server. */
  requests: RequestLog;
  watches: WatchControl;
  /** A kubeconfig for the same server with another token (e.g. a read-only user). */
  kubeconfigFor(token: string, user?: string): string;
  close(): Promise<void>;
};

/** Istio's own CRDs, copied into the repository (see crds/README.md for source and licence). */
export const DEFAULT_CRD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "crds");

export async function startKubeApi(options: StartKubeApiOptions = {}): Promise<KubeApi> {
  const host = options.host ?? "127.0.0.1";
  const resources = loadResources(options.crdDir ?? process.env.AVIARY_ISTIO_CRD_DIR ?? DEFAULT_CRD_DIR);
  const storage = new MemoryStore(options.dataFile, options.watchHistory);
  const registry = new Registry(storage);
  const store = createSandboxStore(registry, storage, resources);
  const tokens: TokenMap = { ...options.tokens };
  let token = Object.keys(tokens).find((t) => tokens[t]?.allow === "all");
  if (!token) {
    token = newToken();
    tokens[token] = { user: "sandbox-admin", allow: "all" };
  }
  const access = new AccessControl(tokens);
  const faults = new FaultController();
  const requests = new RequestLog();
  const watches: WatchControl = {
    open: () => storage.changes.openWatches,
    compact: () => storage.changes.compact(storage.revisionNumber),
    disconnect: () => storage.changes.disconnectAll(),
  };
  if (options.seed) store.seed(options.seed);

  const tls = await generateTls(host);
  let port = options.port ?? 0;
  const clientHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const serverAddress = () => `${clientHost.includes(":") ? `[${clientHost}]` : clientHost}:${port}`;
  const server = createServer(
    { key: tls.keyPem, cert: tls.certPem },
    createRequestHandler({
      resources,
      registry,
      access,
      faults,
      store,
      serverAddress,
      requests,
      watches,
      watch: { bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000 },
    }),
  );
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        const address = server.address();
        if (address && typeof address === "object") port = address.port;
        resolve();
      });
    });
  await listen();

  // refuseConnections: close the listener (ECONNREFUSED) and cut open sockets;
  // re-listen on the same port once the fault is cleared.
  let toggling = Promise.resolve();
  const unsubscribe = faults.onChange(() => {
    toggling = toggling
      .then(async () => {
        if (faults.refusing && server.listening) {
          server.close();
          for (const s of sockets) s.destroy();
        } else if (!faults.refusing && !server.listening) {
          await listen();
        }
      })
      .catch((err: unknown) => console.error("[sandbox kube-api test double] re-listen failed", err));
  });

  const url = `https://${serverAddress()}`;
  const kubeconfigFor = (t: string, user?: string) => buildKubeconfig({ server: url, caPem: tls.caPem, token: t, user });
  const kubeconfigYaml = kubeconfigFor(token);
  const tempDir = options.kubeconfigPath ? undefined : mkdtempSync(path.join(os.tmpdir(), "aviary-kube-api-"));
  const kubeconfigPath = path.resolve(options.kubeconfigPath ?? path.join(tempDir ?? "", "kubeconfig"));
  writeKubeconfig(kubeconfigPath, kubeconfigYaml);

  return {
    url,
    port,
    kubeconfigPath,
    kubeconfigYaml,
    caPem: tls.caPem,
    token,
    store,
    faults,
    access,
    requests,
    watches,
    kubeconfigFor,
    async close() {
      unsubscribe();
      faults.clear();
      await toggling;
      if (server.listening)
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
        });
      for (const s of sockets) s.destroy();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
