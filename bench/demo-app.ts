import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { freePort } from "../test/free-port";

/**
 * The demo (`scripts/demo.ts`: PostgreSQL, sandbox cluster and mesh, Prometheus, the production
 * build) for the browser benches, on free ports with its own data folder under .data/bench/.
 * Not a bench module itself (the runner only loads *.bench.ts).
 */
export type DemoApp = {
  base: string;
  /** A demo viewer's session, as a Cookie header value. */
  signIn: () => Promise<string>;
  /** The id of a seeded rollout, by name. */
  rolloutId: (name: string, cookie: string) => Promise<string>;
  stop: () => Promise<void>;
};

/** A page init script that keeps every main-thread task over 50 ms in window.__longTasks (PerformanceObserver "longtask"). */
export const RECORD_LONG_TASKS = `
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.__longTasks.push(entry.duration); })
    .observe({ type: "longtask", buffered: true });
`;

async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`the demo did not answer ${url} within ${timeoutMs / 1000} s`);
}

export async function startDemo({ name, log }: { name: string; log: (line: string) => void }): Promise<DemoApp> {
  const dataDir = path.resolve(".data", "bench", name);
  await rm(dataDir, { recursive: true, force: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  log(`starting the demo on ${base} (builds the app first if the build is stale)`);
  const demo = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
    env: { ...process.env, PORT: String(port), AVIARY_PG_PORT: String(await freePort()), AVIARY_DATA_DIR: dataDir },
    stdio: "ignore",
    detached: true,
  });
  const exited = new Promise<void>((resolve) => demo.once("exit", () => resolve()));
  const stop = async () => {
    if (demo.pid && demo.exitCode === null) process.kill(-demo.pid, "SIGINT");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    if (demo.pid && demo.exitCode === null) process.kill(-demo.pid, "SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForReady(`${base}/api/readyz`, 600_000);
  } catch (error) {
    await stop();
    throw error;
  }

  const signIn = async () => {
    const response = await fetch(`${base}/api/auth/demo`, {
      method: "POST",
      body: new URLSearchParams({ user: "demo-dana", role: "viewer" }),
      headers: { origin: base },
      redirect: "manual",
    });
    if (response.status !== 303) throw new Error(`demo sign-in answered ${response.status}`);
    const cookies = response.headers.getSetCookie().map((line) => line.split(";")[0]!);
    if (cookies.length === 0) throw new Error("demo sign-in set no cookie");
    return cookies.join("; ");
  };
  const rolloutId = async (rolloutName: string, cookie: string) => {
    const response = await fetch(`${base}/api/rollouts`, { headers: { cookie } });
    const { rollouts } = (await response.json()) as { rollouts: { id: string; name: string }[] };
    const found = rollouts.find((rollout) => rollout.name === rolloutName);
    if (!found) throw new Error(`the demo has no ${rolloutName} rollout`);
    return found.id;
  };
  return { base, signIn, rolloutId, stop };
}
