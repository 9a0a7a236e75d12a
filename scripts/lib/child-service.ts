import { spawn } from "node:child_process";
import readline from "node:readline";
import { log } from "./log";

/**
 * A long-running helper process of the local stack (a sandbox), with its output prefixed in the
 * launcher's log. It counts as up once it prints its ready line, so the launcher learns the
 * address it actually bound (port 0 included) without a race.
 */
export type ServiceProcess = {
  /** The ready line's match; rejects, with the process' last lines, if it exits or hangs first. */
  ready: Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after 10 s. Idempotent; harmless once the process has exited. */
  stop: () => Promise<void>;
};

export function spawnService({
  name,
  command,
  args,
  cwd,
  readyLine,
  readyTimeoutMs = 30_000,
  onExit,
}: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  readyLine: RegExp;
  readyTimeoutMs?: number;
  /** Called when the process ends on its own after it was ready. */
  onExit: (reason: string) => void;
}): ServiceProcess {
  const child = spawn(command, args, { cwd, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
  const tail: string[] = [];
  let isReady = false;
  let stopping = false;
  let settle: { resolve: (match: RegExpExecArray) => void; reject: (error: Error) => void } | undefined;
  const ready = new Promise<RegExpExecArray>((resolve, reject) => (settle = { resolve, reject }));
  const fail = (message: string) => settle?.reject(new Error(tail.length ? `${message}. Its last lines:\n  ${tail.slice(-8).join("\n  ")}` : message));

  const onLine = (line: string, stdout: boolean) => {
    log(name, line);
    tail.push(line);
    if (tail.length > 20) tail.shift();
    const match = !isReady && stdout ? readyLine.exec(line) : null;
    if (!match) return;
    isReady = true;
    clearTimeout(timer);
    settle?.resolve(match);
  };
  readline.createInterface({ input: child.stdout }).on("line", (line) => onLine(line, true));
  readline.createInterface({ input: child.stderr }).on("line", (line) => onLine(line, false));

  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("error", (error) => fail(`${name} could not be started (${command}): ${error.message}`));
  // "close" comes after the output is drained, so the tail in the message is complete.
  child.once("close", (code, signal) => {
    clearTimeout(timer);
    const how = signal ?? `code ${code}`;
    if (!isReady) fail(`${name} exited during start-up (${how})`);
    else if (!stopping) onExit(`${name} exited on its own (${how})`);
  });
  const timer = setTimeout(() => {
    fail(`${name} did not report ready within ${readyTimeoutMs / 1000} s`);
    void stop();
  }, readyTimeoutMs);

  async function stop(): Promise<void> {
    stopping = true;
    clearTimeout(timer);
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  }

  return { ready, stop };
}
