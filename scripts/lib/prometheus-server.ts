import { spawn, spawnSync } from "node:child_process";
import { constants } from "node:fs";
import { access, mkdir, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";

/**
 * A real Prometheus for tests and the demo: loopback-bound, its own data folder, optionally
 * pre-loaded with history through promtool's OpenMetrics backfill.
 */

export type ScrapeConfig = {
  jobName: string;
  targets: string[];
  scrapeIntervalSeconds: number;
  metricsPath?: string;
  scheme?: "http" | "https";
  /** Sent as "Authorization: Bearer <token>" (Aviary's own /metrics). */
  bearerToken?: string;
};

export type RunningPrometheus = { url: string; port: number; dataDir: string; pid: number | null; stop: () => Promise<void> };

const INSTALL_HINT =
  "Install it (Debian/Ubuntu: sudo apt-get install prometheus; elsewhere https://prometheus.io/download/) " + "or set PROMETHEUS_BIN to the prometheus binary.";

export async function startPrometheus({
  dataDir,
  port,
  scrapeConfigs = [],
  retention,
  extraArgs = [],
  readyTimeoutMs = 30_000,
}: {
  dataDir: string;
  port?: number;
  scrapeConfigs?: ScrapeConfig[];
  /** e.g. "30d"; Prometheus' default is 15d, counted back from the newest sample, not from now. */
  retention?: string;
  extraArgs?: string[];
  readyTimeoutMs?: number;
}): Promise<RunningPrometheus> {
  const bin = await findPrometheusBinary();
  const listenPort = port ?? (await freeLoopbackPort());
  await assertPortFree(listenPort);
  const absoluteDir = path.resolve(dataDir);
  // Inside the data folder so one rm cleans up; the TSDB ignores entries that are not block ULIDs.
  const configFile = path.join(absoluteDir, "config", "prometheus.yml");
  await mkdir(path.dirname(configFile), { recursive: true });
  await writeFile(configFile, prometheusConfig(scrapeConfigs));

  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${absoluteDir}`,
    `--web.listen-address=127.0.0.1:${listenPort}`,
    "--web.enable-lifecycle",
    "--web.enable-remote-write-receiver",
    ...(retention ? [`--storage.tsdb.retention.time=${retention}`] : []),
    ...extraArgs,
  ];
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split("\n").filter(Boolean));
    if (output.length > 40) output.splice(0, output.length - 40);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));

  const url = `http://127.0.0.1:${listenPort}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`Prometheus (${bin}) could not be started: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = output.slice(-10).join("\n");
      const inUse = /address already in use/.test(tail) ? ` Port ${listenPort} on 127.0.0.1 is already in use.` : "";
      throw new Error(`Prometheus (${bin}) exited during start-up (code ${child.exitCode}).${inUse}\n${tail}`);
    }
    if (await isReady(url)) return { url, port: listenPort, dataDir: absoluteDir, pid: child.pid ?? null, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`Prometheus at ${url} was not ready after ${readyTimeoutMs} ms.\n${output.slice(-10).join("\n")}`);
}

/**
 * Writes `text` (OpenMetrics, timestamps in seconds) as TSDB blocks into dataDir. Run it before
 * Prometheus starts on that folder. A missing trailing "# EOF" is added, as promtool requires it.
 */
export async function backfillOpenMetrics({ dataDir, text }: { dataDir: string; text: string }): Promise<void> {
  const promtool = await findPromtool();
  const absoluteDir = path.resolve(dataDir);
  await mkdir(absoluteDir, { recursive: true });
  const input = path.join(absoluteDir, "config", `backfill-${process.pid}-${Date.now()}.om`);
  await mkdir(path.dirname(input), { recursive: true });
  await writeFile(input, /# EOF\s*$/.test(text) ? text : `${text.replace(/\n?$/, "\n")}# EOF\n`);
  try {
    const result = spawnSync(promtool, ["tsdb", "create-blocks-from", "openmetrics", input, absoluteDir], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) {
      throw new Error(
        `promtool could not backfill ${absoluteDir} (exit ${result.status ?? result.signal}): ${(result.stderr || result.stdout || String(result.error)).trim()}`,
      );
    }
  } finally {
    await rm(input, { force: true });
  }
}

export async function findPrometheusBinary(): Promise<string> {
  const configured = process.env.PROMETHEUS_BIN;
  if (configured) {
    if (await isExecutable(configured)) return configured;
    throw new Error(`PROMETHEUS_BIN is set to ${configured}, which is not an executable file. ${INSTALL_HINT}`);
  }
  const onPath = await whichOnPath("prometheus");
  if (onPath) return onPath;
  if (process.getuid?.() === 0 && (await whichOnPath("apt-get"))) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    for (const args of [
      ["update", "-qq"],
      ["install", "-y", "-qq", "--no-install-recommends", "prometheus"],
    ]) {
      const run = spawnSync("apt-get", args, { env, encoding: "utf8" });
      if (run.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed: ${(run.stderr || run.stdout).trim()}. ${INSTALL_HINT}`);
    }
    const installed = await whichOnPath("prometheus");
    if (installed) return installed;
  }
  throw new Error(`Prometheus is not installed: PROMETHEUS_BIN is not set and there is no "prometheus" on PATH. ${INSTALL_HINT}`);
}

/** promtool ships with Prometheus: PROMTOOL_BIN, else beside the prometheus binary, else PATH. */
export async function findPromtool(): Promise<string> {
  const configured = process.env.PROMTOOL_BIN;
  if (configured && (await isExecutable(configured))) return configured;
  const beside = path.join(path.dirname(await findPrometheusBinary()), "promtool");
  if (await isExecutable(beside)) return beside;
  const onPath = await whichOnPath("promtool");
  if (onPath) return onPath;
  throw new Error(`promtool was not found beside ${beside} or on PATH; set PROMTOOL_BIN. ${INSTALL_HINT}`);
}

// YAML is a superset of JSON, so no YAML library is needed to write the config.
function prometheusConfig(scrapeConfigs: ScrapeConfig[]): string {
  return JSON.stringify(
    {
      global: { scrape_interval: "15s", evaluation_interval: "15s" },
      scrape_configs: scrapeConfigs.map(({ jobName, targets, scrapeIntervalSeconds, metricsPath = "/metrics", scheme = "http", bearerToken }) => ({
        job_name: jobName,
        scrape_interval: `${scrapeIntervalSeconds}s`,
        scrape_timeout: `${Math.min(scrapeIntervalSeconds, 10)}s`,
        metrics_path: metricsPath,
        scheme,
        ...(bearerToken ? { authorization: { type: "Bearer", credentials: bearerToken } } : {}),
        static_configs: [{ targets }],
      })),
    },
    null,
    2,
  );
}

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function whichOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      const reason = error.code === "EADDRINUSE" ? "is already in use" : `cannot be opened (${error.code})`;
      reject(new Error(`Prometheus: port ${port} on 127.0.0.1 ${reason}. Stop whatever holds it or pick another port.`));
    });
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}
