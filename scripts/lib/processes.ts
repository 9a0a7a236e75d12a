import { spawn, type ChildProcess } from "node:child_process";
import { log } from "./log";

/**
 * Runs a child process and shuts everything down in order on Ctrl-C / SIGTERM: children first,
 * then the cleanup callbacks (the embedded database last, so nothing writes to a stopped server).
 */
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];
let stopping = false;

export function onShutdown(cleanup: () => Promise<void>): void {
  cleanups.unshift(cleanup);
}

export function runChild(command: string, args: string[], { env = {}, name = "app" }: { env?: Record<string, string | undefined>; name?: string } = {}) {
  const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } as NodeJS.ProcessEnv });
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (!stopping) {
      log(name, `exited (${signal ?? `code ${code}`}); shutting down`);
      void shutdown(code ?? 1);
    }
  });
  return child;
}

export async function shutdown(code = 0): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  await Promise.all([...children].map((child) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())))));
  for (const cleanup of cleanups) {
    await cleanup().catch((error: unknown) => console.error(error));
  }
  process.exit(code);
}

export function handleSignals(): void {
  handleCrashes();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      log("app", `${signal} received, shutting down cleanly`);
      void shutdown(0);
    });
  }
}

/** A crash in the launcher still stops the children and the embedded database. */
export function handleCrashes(): void {
  process.on("uncaughtException", (error) => {
    console.error("unexpected error in the launcher:", error);
    void shutdown(1);
  });
}
