import { spawn, execFile, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments, stringify } from "yaml";
import { freePort } from "./free-port";
import { assertLocalUrl } from "./local-only";

/**
 * A REAL Kubernetes API server for custom resources (tools/kube-apiserver: k8s.io/apiextensions-apiserver
 * on k8s.io/apiserver, built from Debian's Go sources, with Debian's etcd), started for a test file the
 * way sandbox/kube-api's startKubeApi starts the double: free loopback ports, its own certificates, a
 * kubeconfig with TLS verification on, and Istio's VirtualService and DestinationRule CRDs installed
 * and Established. It does not build the server: `bash tools/kube-apiserver/build.sh` does (npm test
 * runs it first); without a build this fails saying so.
 */
export type RealKubeApi = {
  url: string;
  /** Client certificate of `aviary-test-admin` in group system:masters (may do everything). */
  kubeconfigPath: string;
  /** Bearer tokens from the server's token file: one that may do everything, one in the read-only group. */
  token: string;
  readOnlyToken: string;
  caPem: string;
  dir: string;
  /** The build's versions.txt (package versions it was built from). */
  versions: string;
  /** Milliseconds: etcd healthy, API server ready, CRDs Established, and all of it. */
  timings: { etcdMs: number; apiserverMs: number; establishedMs: number; totalMs: number };
  /** Resident memory of both processes now, in bytes (from /proc). */
  rss(): Promise<{ etcd: number; apiserver: number }>;
  /** The API server's log so far (stderr and stdout). */
  log(): Promise<string>;
  stop(): Promise<void>;
};

export const READ_ONLY_GROUP = "aviary:read-only";
const DEFAULT_CRD_DIR = path.resolve(import.meta.dirname, "..", "sandbox", "kube-api", "crds");
const CRD_FILES = ["virtualservices.crd.yaml", "destinationrules.crd.yaml"];

/** Where build.sh caches its builds: the same rule as the script's. */
export function realKubeApiCache(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AVIARY_KUBE_APISERVER_CACHE) return env.AVIARY_KUBE_APISERVER_CACHE;
  const cacheHome = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), ".cache");
  return path.join(cacheHome, "aviary", "kube-apiserver");
}

export function findRealKubeApiBinaries(cache = realKubeApiCache()): { apiserver: string; etcd: string; versionsFile: string } {
  const current = path.join(cache, "current");
  const found = { apiserver: path.join(current, "kube-apiserver"), etcd: path.join(current, "etcd"), versionsFile: path.join(current, "versions.txt") };
  const missing = Object.values(found).filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `The real Kubernetes API server is not built (missing ${missing.join(", ")}). ` +
        "Run `bash tools/kube-apiserver/build.sh` (about 8 minutes the first time, seconds once cached; npm test runs it), " +
        "or point AVIARY_KUBE_APISERVER_CACHE at a folder that holds a build.",
    );
  }
  return found;
}

export async function startRealKubeApi({ dir, crdDir = DEFAULT_CRD_DIR }: { dir?: string; crdDir?: string } = {}): Promise<RealKubeApi> {
  const binaries = findRealKubeApiBinaries();
  const started = performance.now();
  const root = dir ?? path.resolve(".data", "test", `real-kube-${process.pid}-${randomBytes(4).toString("hex")}`);
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true, mode: 0o700 });
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  // A test worker that dies must not leave etcd or the API server behind.
  process.once("exit", killAll);
  const stop = async () => {
    process.removeListener("exit", killAll);
    for (const child of [...children].reverse()) await terminate(child);
    await rm(root, { recursive: true, force: true });
  };

  try {
    const pki = await makeCertificates(path.join(root, "pki"));
    const token = randomBytes(24).toString("base64url");
    const readOnlyToken = randomBytes(24).toString("base64url");
    const tokenFile = path.join(root, "tokens.csv");
    await writeFile(tokenFile, `${token},aviary-test,uid-aviary-test\n${readOnlyToken},aviary-test-reader,uid-aviary-test-reader,"${READ_ONLY_GROUP}"\n`, {
      mode: 0o600,
    });

    const [etcdPort, peerPort, apiPort] = await distinctFreePorts(3);
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = launch(
      binaries.etcd,
      [
        "--name=aviary-test",
        `--data-dir=${path.join(root, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=aviary-test=${peerUrl}`,
        "--unsafe-no-fsync", // test data: no fsync, as envtest-like setups do
        "--log-level=warn",
        "--quota-backend-bytes=268435456",
      ],
      path.join(root, "etcd.log"),
    );
    children.push(etcd);
    await waitFor("etcd", etcd, path.join(root, "etcd.log"), async () => (await httpGet(`${etcdUrl}/health`)).includes('"health":"true"'));
    const etcdMs = performance.now() - started;

    const apiLog = path.join(root, "kube-apiserver.log");
    const apiserver = launch(
      binaries.apiserver,
      [
        `--etcd-servers=${etcdUrl}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${apiPort}`,
        `--tls-cert-file=${pki.serverCert}`,
        `--tls-private-key-file=${pki.serverKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--token-auth-file=${tokenFile}`,
        `--cert-dir=${path.join(root, "certs")}`,
        "--v=0",
      ],
      apiLog,
    );
    children.push(apiserver);
    const url = `https://127.0.0.1:${apiPort}`;
    assertLocalUrl("real Kubernetes API", url);
    const agent = new https.Agent({ ca: pki.caPem, cert: pki.clientPem, key: pki.clientKeyPem });
    await waitFor("the Kubernetes API server", apiserver, apiLog, async () => (await httpGet(`${url}/readyz`, agent)) === "ok");
    const apiserverMs = performance.now() - started;

    const kubeconfigPath = path.join(root, "kubeconfig");
    await writeFile(kubeconfigPath, kubeconfig(url, pki), { mode: 0o600 });
    await installCrds((method, apiPath, body) => request(agent, method, `${url}${apiPath}`, body), crdDir);
    agent.destroy();
    const establishedMs = performance.now() - started;

    return {
      url,
      kubeconfigPath,
      token,
      readOnlyToken,
      caPem: pki.caPem,
      dir: root,
      versions: await readFile(binaries.versionsFile, "utf8"),
      timings: { etcdMs, apiserverMs, establishedMs, totalMs: performance.now() - started },
      rss: async () => ({ etcd: await rssOf(etcd), apiserver: await rssOf(apiserver) }),
      log: () => readFile(apiLog, "utf8"),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function launch(binary: string, args: string[], logFile: string): ChildProcess {
  const log = createWriteStream(logFile);
  const child = spawn(binary, args, {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(what: string, child: ChildProcess, logFile: string, ready: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${await tail(logFile)}`);
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready after ${timeoutMs / 1000} s:\n${await tail(logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function tail(file: string, lines = 30): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").slice(-lines).join("\n");
}

function httpGet(url: string, agent?: https.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const onResponse = (response: http.IncomingMessage) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve(response.statusCode === 200 ? body : `HTTP ${response.statusCode}: ${body}`));
    };
    const request = url.startsWith("https:") ? https.get(url, { agent, timeout: 2000 }, onResponse) : http.get(url, { timeout: 2000 }, onResponse);
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", reject);
  });
}
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function rssOf(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib ? Number(kib) * 1024 : 0;
}

type Pki = { caCert: string; caPem: string; serverCert: string; serverKey: string; clientPem: string; clientKeyPem: string };

/** A throwaway CA, a server certificate for 127.0.0.1/localhost, and an admin client certificate. */
async function makeCertificates(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const openssl = async (...args: string[]) => {
    try {
      await promisify(execFile)("/usr/bin/openssl", args, { cwd: dir });
    } catch (error) {
      throw new Error(`openssl ${args.join(" ")} failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
    }
  };
  const file = (name: string) => path.join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await writeFile(
    file("ext.cnf"),
    [
      "[ca]",
      "basicConstraints = critical, CA:TRUE",
      "keyUsage = critical, keyCertSign, cRLSign",
      "subjectKeyIdentifier = hash",
      "[server]",
      "basicConstraints = critical, CA:FALSE",
      "keyUsage = critical, digitalSignature, keyEncipherment",
      "extendedKeyUsage = serverAuth",
      "subjectAltName = IP:127.0.0.1, DNS:localhost",
      "[client]",
      "basicConstraints = critical, CA:FALSE",
      "keyUsage = critical, digitalSignature, keyEncipherment",
      "extendedKeyUsage = clientAuth",
      "",
    ].join("\n"),
  );
  await openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "2",
    "-subj",
    "/CN=aviary-test-ca",
    "-config",
    "ext.cnf",
    "-extensions",
    "ca",
  );
  for (const [name, subject] of [
    ["server", "/CN=127.0.0.1"],
    ["client", "/O=system:masters/CN=aviary-test-admin"],
  ] as const) {
    await openssl("req", "-new", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject, "-config", "ext.cnf");
    await openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "2",
      "-out",
      `${name}.crt`,
      "-extfile",
      "ext.cnf",
      "-extensions",
      name,
    );
  }
  return {
    caCert: file("ca.crt"),
    caPem: await readFile(file("ca.crt"), "utf8"),
    serverCert: file("server.crt"),
    serverKey: file("server.key"),
    clientPem: await readFile(file("client.crt"), "utf8"),
    clientKeyPem: await readFile(file("client.key"), "utf8"),
  };
}

function kubeconfig(url: string, pki: Pki): string {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "aviary-real", cluster: { server: url, "certificate-authority-data": b64(pki.caPem) } }],
    users: [{ name: "aviary-test-admin", user: { "client-certificate-data": b64(pki.clientPem), "client-key-data": b64(pki.clientKeyPem) } }],
    contexts: [{ name: "aviary-real", context: { cluster: "aviary-real", user: "aviary-test-admin", namespace: "default" } }],
    "current-context": "aviary-real",
    preferences: {},
  });
}

type Request = (method: string, apiPath: string, body?: unknown) => Promise<{ status: number; body: string }>;

function request(agent: https.Agent, method: string, url: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const call = https.request(url, { method, agent, timeout: 10_000, headers: payload ? { "Content-Type": "application/json" } : {} }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    call.on("timeout", () => call.destroy(new Error(`${method} ${url}: timeout`)));
    call.on("error", reject);
    call.end(payload);
  });
}

/**
 * Creates every CRD in `dir`'s Istio files and waits until each is Established. Sent as raw JSON:
 * client-node's typed ApiextensionsV1Api serializes through its model, which reads camelCase
 * properties (xKubernetesIntOrString), so a CRD parsed from YAML would lose every x-kubernetes-*
 * keyword (int-or-string, preserve-unknown-fields, the CEL rules) on the way.
 */
async function installCrds(send: Request, dir: string, timeoutMs = 30_000): Promise<void> {
  const base = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  const names = (await readdir(dir)).filter((name) => CRD_FILES.includes(name));
  if (names.length !== CRD_FILES.length) throw new Error(`${dir} lacks one of ${CRD_FILES.join(", ")}`);
  const created: string[] = [];
  for (const name of names) {
    for (const doc of parseAllDocuments(await readFile(path.join(dir, name), "utf8"))) {
      const crd = doc.toJS() as { kind?: string; metadata: { name: string } } | null;
      if (crd?.kind !== "CustomResourceDefinition") continue;
      const answer = await send("POST", base, crd);
      if (answer.status !== 201) throw new Error(`creating CRD ${crd.metadata.name} from ${name}: HTTP ${answer.status} ${answer.body}`);
      created.push(crd.metadata.name);
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const name of created) {
    for (;;) {
      const answer = await send("GET", `${base}/${name}`);
      const crd = JSON.parse(answer.body) as { status?: { conditions?: { type: string; status: string }[] } };
      if (crd.status?.conditions?.some((condition) => condition.type === "Established" && condition.status === "True")) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} was not Established after ${timeoutMs / 1000} s: ${answer.body}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
