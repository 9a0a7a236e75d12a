import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, type Stats } from "node:fs";
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { startEmbeddedPostgres, type RunningPostgres } from "../../lib/db/embedded-postgres";
import { readMigrations } from "../../lib/db/migrate";
import { freePort } from "../../test/free-port";
import { assembleRuntime, parseDockerfile, runtimeImage, type RuntimeImage } from "../../test/image/dockerfile";

/**
 * The container image without a container engine: the Dockerfile's runtime stage laid out from
 * this run's production build exactly as its COPY lines say (test/image/dockerfile.ts), made
 * read-only, and run as its USER (when this runs as root; otherwise as the current user) with
 * only the image's environment plus a writable TMPDIR, against a fresh PostgreSQL: the
 * migration command first, then the CMD.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const distDir = process.env.AVIARY_NEXT_DIST_DIR || ".next";
const stages = parseDockerfile(readFileSync(path.join(repoRoot, "Dockerfile"), "utf8"));
const image = runtimeImage(stages);
const asRoot = process.getuid?.() === 0;

let work: string;
let db: RunningPostgres | undefined;
let server: ChildProcess | undefined;

test.afterAll(async () => {
  if (server?.exitCode === null) server.kill("SIGKILL");
  await db?.stop();
  if (work) {
    await walk(work, async (file, stat) => void (stat.isSymbolicLink() ? undefined : await chmod(file, stat.mode | 0o200)));
    await rm(work, { recursive: true, force: true });
  }
});

test("the image's runtime stage migrates an empty database, then serves health, sign-in and static assets from a read-only tree", async ({ page }) => {
  test.setTimeout(180_000);
  const started = Date.now();
  expect(existsSync(path.join(repoRoot, distDir, "standalone")), `${distDir}/standalone is missing: run \`npx next build\` first`).toBe(true);
  work = await mkdtemp(path.join(os.tmpdir(), "aviary-image-"));
  await chmod(work, 0o755);
  const root = path.join(work, image.workdir);
  const writable = path.join(work, "tmp");

  await test.step("lay out the runtime stage as the Dockerfile copies it", async () => {
    await assembleRuntime({ stages, repoRoot, distDir, into: root });
    const devDependencies = Object.keys((JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { devDependencies: object }).devDependencies);
    const shipped = [...(await packagesIn(path.join(root, "node_modules"))), ...(await packagesIn(path.join(root, distDir, "node_modules")))];
    expect(
      shipped.filter((name) => devDependencies.includes(name)),
      "dev dependencies in the image",
    ).toEqual([]);
    await walk(root, async (file, stat) => {
      if (stat.isSymbolicLink()) expect(path.relative(root, await realpath(file)), `${file} points outside the image`).not.toMatch(/^\.\./);
    });
    expect(existsSync(path.join(root, ...image.command[1]!.split("/"))), "the CMD's script").toBe(true);
    await mkdir(writable, { mode: 0o700 });
    if (asRoot) await chown(writable, image.user.uid, image.user.gid);
    await walk(root, async (file, stat) => void (stat.isSymbolicLink() ? undefined : await chmod(file, stat.mode & ~0o222)));
  });
  const before = await snapshot(root);

  db = await startEmbeddedPostgres({ dataDir: path.join(work, "postgres"), port: await freePort(), persistent: false });
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: root,
    TMPDIR: writable,
    ...image.env,
    PORT: String(port),
    DATABASE_URL: db.appUrl,
  };

  await test.step("the migration command applies every migration on an empty database, as the owner role", async () => {
    const migrations = (await readMigrations(path.join(repoRoot, "prisma", "migrations"))).length;
    const first = await run(image.migrateCommand, { ...env, AVIARY_MIGRATION_DATABASE_URL: db!.ownerUrl }, root);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain(`schema up to date (${migrations} applied now, 0 before)`);
    expect(first.output).not.toContain(db!.credentials.owner.password);
    const again = await run(image.migrateCommand, { ...env, AVIARY_MIGRATION_DATABASE_URL: db!.ownerUrl }, root);
    expect(again.output).toContain(`(0 applied now, ${migrations} before)`);
    const client = new pg.Client({ connectionString: db!.ownerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ insert: boolean; update: boolean }>(
        "SELECT has_table_privilege($1, 'audit_events', 'INSERT') AS insert, has_table_privilege($1, 'audit_events', 'UPDATE') AS update",
        [db!.runtimeRole],
      );
      expect(rows[0], "the app's role may append to the audit log, not rewrite it").toEqual({ insert: true, update: false });
    } finally {
      await client.end();
    }
  });

  const serverEnv = {
    ...env,
    AVIARY_AUDIT_KEY: randomBytes(32).toString("base64url"),
    AVIARY_AUTH_MODE: "oidc",
    AVIARY_PUBLIC_URL: `http://127.0.0.1:${port}`,
    AVIARY_SESSION_SECRET: randomBytes(32).toString("base64url"),
    AVIARY_OIDC_ISSUER: "https://sso.example.invalid/realms/sre",
    AVIARY_OIDC_CLIENT_ID: "aviary",
    AVIARY_ROLE_GROUPS: '{"viewer":["*"]}',
  };
  let output = "";
  const base = `http://127.0.0.1:${port}`;

  await test.step("the CMD starts and answers liveness and readiness", async () => {
    const launched = Date.now();
    server = start(image, serverEnv, root);
    server.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await expect
      .poll(
        async () => {
          if (server!.exitCode !== null) throw new Error(`the server exited (${server!.exitCode}):\n${output}`);
          return fetch(`${base}/api/healthz`).then(
            (res) => res.status,
            () => 0,
          );
        },
        { timeout: 60_000, intervals: [200] },
      )
      .toBe(200);
    test.info().annotations.push({ type: "start-up", description: `${Date.now() - launched} ms to the first healthz 200` });
    expect(output).toContain("Next.js (image) listening");
    if (asRoot) expect(readFileSync(`/proc/${server.pid}/status`, "utf8"), "runs as the image's USER").toMatch(new RegExp(`^Uid:\\t${image.user.uid}\\t`, "m"));
    const ready = await fetch(`${base}/api/readyz`);
    expect(ready.status, output).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });
  });

  await test.step("pages and the build's static files are served (sign-in, and the redirect to it)", async () => {
    const statics: { url: string; status: number }[] = [];
    page.on("response", (response) => {
      if (response.url().startsWith(`${base}/_next/static/`)) statics.push({ url: response.url(), status: response.status() });
    });
    await page.goto(`${base}/`);
    await expect(page).toHaveURL(`${base}/signin`);
    await expect(page.getByRole("heading", { name: "Sign in to Aviary" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Sign in with sso.example.invalid" })).toBeVisible();
    expect(statics.length, "scripts and styles from /_next/static").toBeGreaterThan(0);
    expect(statics.filter((entry) => entry.status !== 200)).toEqual([]);
    const favicon = await fetch(`${base}/favicon.svg`);
    expect(favicon.status, "public/ is served").toBe(200);
  });

  await test.step("SIGTERM stops it cleanly, and nothing in the image was written", async () => {
    const exited = new Promise<number | null>((resolve) => server!.once("exit", (code) => resolve(code)));
    server!.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).not.toMatch(/EROFS|EACCES|EPERM|read-only file system/i);
    expect(await snapshot(root)).toEqual(before);
    const written = Object.keys(await snapshot(writable));
    test.info().annotations.push({ type: "tmp", description: `written to TMPDIR: ${written.join(", ") || "nothing"}` });
    test.info().annotations.push({ type: "duration", description: `${Date.now() - started} ms in all` });
  });
});

async function walk(dir: string, visit: (file: string, stat: Stats) => Promise<void>): Promise<void> {
  for (const entry of await readdir(dir)) {
    const file = path.join(dir, entry);
    const stat = await lstat(file);
    if (stat.isDirectory()) await walk(file, visit);
    await visit(file, stat);
  }
}

/** Every path with its size and modification time: a write anywhere shows. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  await walk(dir, async (file, stat) => void (files[path.relative(dir, file)] = `${stat.size}:${stat.mtimeMs}`));
  return files;
}

/** Package names in a node_modules folder (scoped ones as @scope/name; Turbopack's hashed links by their target). */
async function packagesIn(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const names: string[] = [];
  for (const entry of await readdir(dir)) {
    if (entry.startsWith("@")) names.push(...(await readdir(path.join(dir, entry))).map((name) => `${entry}/${name}`));
    else names.push(entry);
  }
  return Promise.all(
    names.map(async (name) => {
      const target = await realpath(path.join(dir, name)).catch(() => path.join(dir, name));
      const inModules = target.split(`${path.sep}node_modules${path.sep}`).at(-1)!;
      return inModules.startsWith("@") ? inModules.split(path.sep).slice(0, 2).join("/") : inModules.split(path.sep)[0]!;
    }),
  );
}

/** As the container runtime would: the image's user, its working directory, only the given environment. */
function start({ user }: RuntimeImage, env: Record<string, string>, cwd: string, command = image.command): ChildProcess {
  const [program, ...args] = command;
  if (program !== "node") throw new Error(`the image runs ${program}; this test runs node only`);
  return spawn(process.execPath, args, {
    cwd,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    ...(asRoot && { uid: user.uid, gid: user.gid }),
  });
}

function run(command: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; output: string }> {
  const child = start(image, env, cwd, command);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}
