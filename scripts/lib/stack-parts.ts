import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { startEmbeddedPostgres } from "../../lib/db/embedded-postgres";
import { migrateDatabase } from "../../lib/db/migrate";
import { createPrometheusClient } from "../../lib/prometheus/client";
import { freePort } from "../../test/free-port";
import { spawnService } from "./child-service";
import { prepareDatabase } from "./database";
import { meshConfig, sandboxObjects } from "./demo-sandbox";
import { log } from "./log";

/** The parts of the local stack (scripts/lib/stack.ts), one function each. */

type Track = (name: string, stop: () => Promise<void>) => void;
type PartOptions = { dir: string; repoRoot: string; track: Track; onExit: (reason: string) => void };

export async function startDatabase({ dir, fresh, port }: { dir: string; fresh: boolean; port?: number }) {
  const dataDir = path.join(dir, "postgres");
  if (!fresh) return prepareDatabase({ dataDir, port });
  const pgPort = port ?? (await freePort());
  log("db", `starting a fresh embedded PostgreSQL on 127.0.0.1:${pgPort}`);
  const server = await startEmbeddedPostgres({ dataDir, port: pgPort, persistent: false, log: (line) => log("db", line) });
  try {
    await migrateDatabase({ databaseUrl: server.ownerUrl, runtimeRole: server.runtimeRole });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: server.appUrl, stop: server.stop };
}

/** The sandbox Kubernetes API as its own process, seeded with the demo's VirtualServices and DestinationRules. */
export async function startSandboxKube({ dir, repoRoot, track, onExit, port, persist }: PartOptions & { port?: number; persist: boolean }) {
  const kubeDir = path.join(dir, "kube");
  await mkdir(kubeDir, { recursive: true });
  const seedFile = path.join(kubeDir, "seed.json");
  await writeFile(seedFile, JSON.stringify(sandboxObjects(), null, 2));
  const kubeconfigPath = path.join(kubeDir, "kubeconfig");
  const token = randomBytes(24).toString("hex");
  const args = ["--port", String(port ?? 0), "--kubeconfig", kubeconfigPath, "--token", token, "--seed", seedFile];
  if (persist) args.push("--data", path.join(kubeDir, "objects.json"));
  const kube = spawnService({
    name: "kube",
    command: process.execPath,
    args: ["--import", "tsx", "sandbox/kube-api/main.ts", ...args],
    cwd: repoRoot,
    readyLine: /listening on (https:\/\/\S+), kubeconfig at /,
    onExit,
  });
  track("sandbox Kubernetes API", kube.stop);
  const [, url = ""] = await kube.ready;
  // HTTPS clients other than kubeconfig readers (browser-test helpers, curl --cacert) need the CA as a file.
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const caData = kc.getCurrentCluster()?.caData;
  if (!caData) throw new Error(`the sandbox kubeconfig ${kubeconfigPath} carries no CA`);
  const caPath = path.join(kubeDir, "ca.pem");
  await writeFile(caPath, Buffer.from(caData, "base64"));
  return { url, adminUrl: `${url}/sandbox`, kubeconfigPath, caPath, token };
}

/** The sandbox mesh as its own process, following the VirtualServices through the kubeconfig. */
export async function startSandboxMesh({ dir, repoRoot, track, onExit, port, kubeconfigPath }: PartOptions & { port?: number; kubeconfigPath: string }) {
  const configFile = path.join(dir, "mesh", "config.json");
  await mkdir(path.dirname(configFile), { recursive: true });
  await writeFile(configFile, JSON.stringify(meshConfig({ kubeconfigPath }), null, 2));
  const mesh = spawnService({
    name: "mesh",
    command: process.execPath,
    args: ["--import", "tsx", "sandbox/mesh/main.ts", "--config", configFile, "--port", String(port ?? 0)],
    cwd: repoRoot,
    readyLine: /serving Istio metrics on (http:\/\/\S+)\/metrics$/,
    onExit,
  });
  track("sandbox mesh", mesh.stop);
  const [, url = ""] = await mesh.ready;
  return { url, adminUrl: `${url}/admin`, metricsUrl: `${url}/metrics` };
}

/**
 * Sign-in for the local stack: demo mode, where the visitor picks a demo user (see
 * lib/auth/config.ts), unless AVIARY_AUTH_MODE chooses another. `next start` runs with
 * NODE_ENV=production, hence the explicit acknowledgement. The session secret is kept in the
 * data folder, so a demo restart does not sign everyone out.
 */
export async function localSignInEnv(dir: string): Promise<Record<string, string>> {
  const mode = process.env.AVIARY_AUTH_MODE?.trim();
  if (mode && mode !== "demo") return {};
  const secretFile = path.join(dir, "session-secret");
  let secret = process.env.AVIARY_SESSION_SECRET?.trim() || (existsSync(secretFile) ? (await readFile(secretFile, "utf8")).trim() : "");
  if (!secret) {
    secret = randomBytes(32).toString("base64url");
    await writeFile(secretFile, secret, { mode: 0o600 });
  }
  return { AVIARY_AUTH_MODE: "demo", AVIARY_DEMO_ACKNOWLEDGE: "anyone-can-sign-in-as-admin", AVIARY_SESSION_SECRET: secret };
}

/** Waits until Prometheus has scraped the job once, so the first chart has a point to draw. */
export async function waitForFirstScrape({ url, job, timeoutMs = 30_000 }: { url: string; job: string; timeoutMs?: number }): Promise<void> {
  const client = createPrometheusClient({ baseUrl: url, timeoutMs: 2_000 });
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const data = await client.query(`up{job="${job}"}`);
      const value = data.resultType === "vector" ? data.result[0]?.value[1] : undefined;
      if (value === "1") return;
      last = value === undefined ? "not scraped yet" : "the target is down";
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Prometheus at ${url} has not scraped job "${job}" within ${timeoutMs / 1000} s (${last})`);
}

/** Waits for the app's readiness endpoint (the database answers). */
/** Until `probe` answers 2xx: readyz (the database answers) by default, healthz for an app meant to start without one. */
export async function waitForApp({
  url,
  timeoutMs = 120_000,
  probe = "/api/readyz",
}: {
  url: string;
  timeoutMs?: number;
  probe?: "/api/readyz" | "/api/healthz";
}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}${probe}`, { signal: AbortSignal.timeout(2_000) }).then(
      async (res) => (await res.body?.cancel(), res.ok),
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the app at ${url} did not answer ${probe} after ${timeoutMs / 1000} s`);
}
