import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { assertPortFree } from "../../lib/db/embedded-postgres";
import { auditKeyEnv } from "./audit-key";
import { log } from "./log";
import { appCommand } from "./app-command";
import { onShutdown, runChild, shutdown } from "./processes";
import { findPrometheusBinary, startPrometheus } from "./prometheus-server";
import { seedDemo } from "../seed";
import { writeStackFile, type StackFile } from "./stack-file";
import { localSignInEnv, startDatabase, startSandboxKube, startSandboxMesh, waitForApp, waitForFirstScrape } from "./stack-parts";

/**
 * The whole local stack in one call, for `npm run demo` and the Playwright web server: the
 * database, the sandbox Kubernetes API and mesh (each its own process, reached over real
 * HTTP(S)), a real Prometheus scraping the mesh, the demo rollouts, then the app. Each part is
 * stopped in reverse order, on Ctrl-C, SIGTERM, a crash, or a failed start.
 */
export type StackOptions = {
  dataDir: string;
  /** Wipe dataDir first and keep nothing (browser tests); otherwise state survives restarts (demo). */
  fresh: boolean;
  /** Create the demo rollouts that are missing and warm up the new ones. */
  seed: boolean;
  /** Seed them with the demo's automated analysis (the demo); the browser tests' stack leaves it off. */
  analysis?: boolean;
  /** Start the app (production build, scripts/next-server.ts) on this port; omit for the other parts only. */
  appPort?: number;
  /**
   * true (scripts): Ctrl-C, SIGTERM and a part that dies stop everything and exit, through
   * scripts/lib/processes.ts. false (tests): nothing touches the process; call stop().
   */
  ownsProcess?: boolean;
  /** AVIARY_EGRESS_ALLOW for the app: the browser tests' checks call the app itself on 127.0.0.1, which the default policy refuses. */
  egressAllow?: string;
  /** How often Prometheus scrapes the mesh (default 2 s; the analysis bench uses 5 s, a common production interval). */
  scrapeIntervalSeconds?: number;
};

export type RunningStack = StackFile & { stop: () => Promise<void> };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const MESH_JOB = "sandbox-mesh";

const notAPort = { error: "must be a port number (1-65535)" };
const port = z.coerce.number(notAPort).int(notAPort).min(1, notAPort).max(65535, notAPort);
const portsSchema = z.object({
  AVIARY_SANDBOX_KUBE_PORT: port.optional(),
  AVIARY_SANDBOX_MESH_PORT: port.optional(),
  AVIARY_SANDBOX_PROMETHEUS_PORT: port.optional(),
});

function stackPorts() {
  const set = Object.fromEntries(Object.entries(process.env).filter(([name, value]) => name.startsWith("AVIARY_SANDBOX_") && value));
  const parsed = portsSchema.safeParse(set);
  if (!parsed.success) throw new Error(`Invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return { kube: parsed.data.AVIARY_SANDBOX_KUBE_PORT, mesh: parsed.data.AVIARY_SANDBOX_MESH_PORT, prometheus: parsed.data.AVIARY_SANDBOX_PROMETHEUS_PORT };
}

/**
 * Everything that can be missing or taken, checked before anything starts (and before a
 * minute-long build): the Prometheus binary and the ports that were asked for by name.
 */
export async function assertStackCanStart({ appPort }: { appPort?: number }) {
  await findPrometheusBinary();
  const ports = stackPorts();
  const hint = "Stop whatever holds it or choose another port";
  if (appPort !== undefined) await assertPortFree(appPort, "The app", `${hint} (PORT; E2E_PORT for the browser tests).`);
  if (ports.kube) await assertPortFree(ports.kube, "The sandbox Kubernetes API", `${hint} (AVIARY_SANDBOX_KUBE_PORT).`);
  if (ports.mesh) await assertPortFree(ports.mesh, "The sandbox mesh", `${hint} (AVIARY_SANDBOX_MESH_PORT).`);
  if (ports.prometheus) await assertPortFree(ports.prometheus, "Prometheus", `${hint} (AVIARY_SANDBOX_PROMETHEUS_PORT).`);
  return ports;
}

export async function startStack({
  dataDir,
  fresh,
  seed,
  analysis = false,
  appPort,
  ownsProcess = true,
  scrapeIntervalSeconds = 2,
  egressAllow,
}: StackOptions): Promise<RunningStack> {
  if (appPort !== undefined && !ownsProcess) throw new Error("startStack: the app runs only under a launcher that owns the process");
  const ports = await assertStackCanStart({ appPort });
  const dir = path.resolve(dataDir);
  if (fresh) await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const life = lifecycle();
  if (ownsProcess) {
    onShutdown(life.stop);
    // The terminal's Ctrl-C reaches every child too: their exits are then expected, not a crash.
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, life.markStopping);
  }
  const onExit = (reason: string) => {
    if (life.stopping()) return;
    log("stack", `${reason}; stopping everything`);
    if (ownsProcess) void shutdown(1);
  };

  try {
    const needsDatabase = seed || appPort !== undefined;
    const db = needsDatabase ? await startDatabase({ dir, fresh }) : null;
    if (db) life.track("PostgreSQL", db.stop);
    const parts = { dir, repoRoot, track: life.track, onExit };
    const kube = await startSandboxKube({ ...parts, port: ports.kube, persist: !fresh });
    log("stack", `sandbox Kubernetes API up at ${kube.url}`);
    const mesh = await startSandboxMesh({ ...parts, port: ports.mesh, kubeconfigPath: kube.kubeconfigPath });
    log("stack", `sandbox mesh up at ${mesh.url}, following the VirtualServices' weights`);
    const prometheus = await startPrometheus({
      dataDir: path.join(dir, "prometheus"),
      port: ports.prometheus,
      scrapeConfigs: [{ jobName: MESH_JOB, targets: [new URL(mesh.url).host], scrapeIntervalSeconds }],
    });
    life.track("Prometheus", prometheus.stop);
    await waitForFirstScrape({ url: prometheus.url, job: MESH_JOB });
    log("stack", `Prometheus up at ${prometheus.url}, scraping the mesh every ${scrapeIntervalSeconds} s`);

    const appEnv = await stackAppEnv({
      dir,
      databaseUrl: db?.url ?? null,
      kubeconfigPath: kube.kubeconfigPath,
      prometheusUrl: prometheus.url,
      meshAdminUrl: mesh.adminUrl,
    });
    if (seed) {
      // getDeps() builds its adapters from process.env.
      Object.assign(process.env, appEnv);
      await seedDemo({ analysis });
    }
    const appUrl = appPort === undefined ? null : `http://127.0.0.1:${appPort}`;
    const description: StackFile = { appUrl, databaseUrl: db?.url ?? null, kube, mesh, prometheus: { url: prometheus.url, pid: prometheus.pid } };
    await writeStackFile(dir, description);
    if (appUrl && appPort !== undefined) {
      const app = appCommand({ repoRoot, mode: "start", port: appPort });
      log("app", `starting Next.js on ${appUrl}`);
      runChild(app.command, app.args, {
        env: {
          ...appEnv,
          ...(await localSignInEnv(dir)),
          ...(egressAllow ? { AVIARY_EGRESS_ALLOW: egressAllow } : {}),
          PORT: String(appPort),
          NEXT_TELEMETRY_DISABLED: "1",
        },
        name: "app",
      });
      await waitForApp({ url: appUrl });
    }
    return { ...description, stop: life.stop };
  } catch (error) {
    await life.stop();
    throw error;
  }
}

/** The app's environment on this stack: also what a second app process (another replica) needs. */
export async function stackAppEnv({
  dir,
  databaseUrl,
  kubeconfigPath,
  prometheusUrl,
  meshAdminUrl,
}: {
  dir: string;
  databaseUrl: string | null;
  kubeconfigPath: string;
  prometheusUrl: string;
  /** The sandbox mesh's admin API: the demo page's "break this canary" control uses it (demo sign-in only). */
  meshAdminUrl: string;
}) {
  return {
    ...(databaseUrl && { DATABASE_URL: databaseUrl, ...(await auditKeyEnv({ dataDir: dir, externalDatabase: false })) }),
    AVIARY_CLUSTERS: JSON.stringify({ default: { kubeconfig: kubeconfigPath } }),
    AVIARY_PROMETHEUS_URL: prometheusUrl,
    AVIARY_SANDBOX_MESH_ADMIN_URL: meshAdminUrl,
  };
}

/** One block with every address, printed once everything is up. */
export function describeStack(stack: StackFile, title: string): string {
  const rows: [string, string][] = [
    ["App", stack.appUrl ?? "(not started)"],
    ["Sandbox Kubernetes API", `${stack.kube.url}  (kubeconfig ${path.relative(process.cwd(), stack.kube.kubeconfigPath)})`],
    ["Sandbox mesh admin", `${stack.mesh.adminUrl}/services`],
    ["Prometheus", stack.prometheus.url],
  ];
  const line = "─".repeat(72);
  return [line, `  ${title}`, ...rows.map(([name, value]) => `    ${name.padEnd(24)}${value}`), "  Ctrl-C stops everything.", line].join("\n");
}

function lifecycle() {
  const parts: { name: string; stop: () => Promise<void> }[] = [];
  let stopping = false;
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      for (const { name, stop: stopPart } of parts.splice(0).reverse()) {
        log("stack", `stopping ${name}`);
        await stopPart().catch((error: unknown) => console.error(`stopping ${name} failed:`, error));
      }
    })());
  return {
    stop,
    stopping: () => stopping,
    markStopping: () => void (stopping = true),
    track(name: string, stopPart: () => Promise<void>) {
      // A part that finished starting after Ctrl-C: stop it at once rather than leave it behind.
      if (stopped) void stopPart();
      else parts.push({ name, stop: stopPart });
    },
  };
}
