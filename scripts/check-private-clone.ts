import { execFileSync, spawn } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, readdir, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { embeddedDataDir } from "../lib/db/embedded-postgres";
import { SHARED_ROOT } from "../lib/db/embedded/placement";
import { freePort } from "../test/free-port";

/**
 * `npm test` step: a newcomer's clone in a private folder (mode 0700, e.g. under /root) must be
 * able to start the embedded PostgreSQL. Clones HEAD into a fresh 0700 temporary folder, links
 * node_modules from this tree (the PostgreSQL binaries copied in, so they too sit behind the 0700
 * folder), runs the migration script there (initdb, start, roles, migrations) and cleans up.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const say = (line: string) => console.log(`private-clone check: ${line}`);

async function linkNodeModules(clone: string) {
  const source = path.join(repo, "node_modules");
  const target = path.join(clone, "node_modules");
  await mkdir(target);
  for (const entry of await readdir(source)) {
    if (entry !== "@embedded-postgres") await symlink(path.join(source, entry), path.join(target, entry));
  }
  // Hard links where possible (same file system), else a copy: either way behind the private folder.
  const from = path.join(source, "@embedded-postgres");
  const to = path.join(target, "@embedded-postgres");
  try {
    execFileSync("cp", ["-al", from, to], { stdio: "ignore" });
  } catch {
    await rm(to, { recursive: true, force: true });
    await cp(from, to, { recursive: true, verbatimSymlinks: true });
  }
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n(timed out after ${options.timeoutMs / 1000} s)`;
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    }, options.timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function main(): Promise<number> {
  const parent = await mkdtemp(path.join(os.tmpdir(), "aviary-private-"));
  await chmod(parent, 0o700);
  const clone = path.join(parent, "aviary");
  const dataDir = path.join(clone, ".data", "postgres");
  let relocated: string | null = null;
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repo, encoding: "utf8" }).trim();
    execFileSync("git", ["clone", "--quiet", "--local", repo, clone], { stdio: ["ignore", "ignore", "inherit"] });
    await linkNodeModules(clone);
    const env: NodeJS.ProcessEnv = { ...process.env, AVIARY_PG_PORT: String(await freePort()) };
    for (const name of ["DATABASE_URL", "AVIARY_MIGRATION_DATABASE_URL", "AVIARY_DATA_DIR"]) delete env[name];
    const user = os.userInfo().username;
    say(`cloned HEAD ${head} into ${clone} (folder mode 0700), running the migration script as ${user}`);
    const result = await run(path.join(clone, "node_modules", ".bin", "tsx"), ["scripts/migrate.ts"], { cwd: clone, env, timeoutMs: 180_000 });
    relocated = embeddedDataDir(dataDir);
    if (result.code !== 0 || !/schema up to date/.test(result.output)) {
      console.error(
        result.output
          .trim()
          .split("\n")
          .map((line) => `  | ${line}`)
          .join("\n"),
      );
      say(`FAILED: the embedded PostgreSQL could not be initialised, started and migrated from a 0700 clone (exit ${result.code}); output above`);
      return 1;
    }
    const placed = result.output.split("\n").find((line) => line.includes("cannot reach"));
    say(`OK: initdb, start, roles and migrations succeeded${placed ? `; ${placed.replace(/^\S+\s+/, "")}` : ""}`);
    return 0;
  } finally {
    await rm(parent, { recursive: true, force: true });
    if (relocated?.startsWith(`${SHARED_ROOT}/data/`)) await rm(path.dirname(relocated), { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
