import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Binaries, RunAs } from "./placement";
import { processEnv } from "../../env";

/** initdb and postgres, spawned directly (as `runAs` when Aviary runs as root). */

// LC_MESSAGES is pinned so the "ready" line below is in English.
function messagesLocale(): string {
  try {
    const available = new Set(execFileSync("locale", ["-a"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split(/\r?\n/));
    return ["en_US.UTF-8", "C.UTF-8", "en_US.utf8", "C.utf8"].find((locale) => available.has(locale)) ?? "C";
  } catch {
    return "C";
  }
}

const ids = (runAs?: RunAs) => (runAs ? { uid: runAs.uid, gid: runAs.gid } : {});

export async function initdb({
  binaries,
  dataDir,
  superuser,
  password,
  runAs,
}: {
  binaries: Binaries;
  dataDir: string;
  superuser: string;
  password: string;
  runAs?: RunAs;
}) {
  // The password reaches initdb through a file only its user can read.
  const scratch = await mkdtemp(path.join(os.tmpdir(), "aviary-initdb-"));
  const pwfile = path.join(scratch, "pw");
  try {
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (runAs) {
      await chown(scratch, runAs.uid, runAs.gid);
      await chown(pwfile, runAs.uid, runAs.gid);
    }
    const locale = messagesLocale();
    const args = [`--pgdata=${dataDir}`, "--auth=scram-sha-256", `--username=${superuser}`, `--pwfile=${pwfile}`, "--encoding=UTF8", `--lc-messages=${locale}`];
    const { code, output } = await run(binaries.initdb, args, runAs, { LC_MESSAGES: locale });
    if (code !== 0) throw new Error(`initdb failed for ${dataDir} (exit ${code}): ${lastLines(output)}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], runAs: RunAs | undefined, env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { ...ids(runAs), env: { ...processEnv(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (error: NodeJS.ErrnoException) => reject(new Error(`could not run ${command} (${error.code ?? error.message})`)));
    child.on("close", (code) => resolve({ code, output }));
  });
}

export type PostgresProcess = { stop: () => Promise<void> };

export async function startPostgres({
  binaries,
  dataDir,
  port,
  runAs,
  onLog,
}: {
  binaries: Binaries;
  dataDir: string;
  port: number;
  runAs?: RunAs;
  onLog: (line: string) => void;
}): Promise<PostgresProcess> {
  const locale = messagesLocale();
  const child = spawn(binaries.postgres, ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1"], {
    ...ids(runAs),
    env: { ...processEnv(), LC_MESSAGES: locale },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split("\n")) if (/\b(FATAL|PANIC):/.test(line)) onLog(line.trim());
      if (output.includes("database system is ready to accept connections")) resolve();
    });
    child.on("error", (error: NodeJS.ErrnoException) => reject(new Error(`could not run ${binaries.postgres} (${error.code ?? error.message})`)));
    child.on("exit", (code, signal) => reject(new Error(`PostgreSQL stopped before it was ready (${signal ?? `exit ${code}`}): ${lastLines(output)}`)));
  });
  return { stop: () => stopReliably(child, path.join(dataDir, "postmaster.pid")) };
}

/**
 * Ctrl-C reaches the whole process group, so PostgreSQL may already be shutting down. It removes
 * postmaster.pid as the last step of a clean shutdown, so either its exit or that file's absence
 * means "stopped".
 */
async function stopReliably(child: ChildProcess, pidFile: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  let done = false;
  const gone = async () => {
    while (!done && existsSync(pidFile)) await new Promise((resolve) => setTimeout(resolve, 100));
  };
  try {
    await Promise.race([exited, gone()]);
  } finally {
    done = true;
  }
}

function lastLines(output: string): string {
  const lines = output.trim().split("\n").filter(Boolean);
  const meaningful = lines.filter((line) => /FATAL|ERROR|PANIC|error|denied|cannot|could not/i.test(line));
  return (meaningful.length ? meaningful : lines).slice(-3).join(" / ") || "no output";
}
