import { execFileSync } from "node:child_process";
import { cp, mkdir } from "node:fs/promises";
import path from "node:path";

/**
 * The Dockerfile read as data, for the image's checks: the lint test (test/image) reads its
 * rules from it, and the browser-phase smoke test (e2e/image) lays out and runs the runtime
 * stage exactly as its COPY, USER, ENV, WORKDIR and CMD lines say, without a container engine.
 */

export type Instruction = { keyword: string; args: string; line: number };
export type Stage = { image: string; name: string | null; instructions: Instruction[] };

/** Instructions by stage: comments dropped, `\` continuations joined. Enough for our Dockerfile, not a general parser. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let current = lines[i]!.trim();
    if (!current || current.startsWith("#")) continue;
    while (current.endsWith("\\") && i + 1 < lines.length) {
      const next = lines[++i]!.trim();
      current = `${current.slice(0, -1).trimEnd()} ${next.startsWith("#") ? "" : next}`.trimEnd();
    }
    const [keyword = "", ...rest] = current.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(" "), line: start };
    if (instruction.keyword === "FROM") {
      const [image = "", as, name] = rest;
      stages.push({ image, name: as?.toUpperCase() === "AS" && name ? name : null, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== "ARG") throw new Error(`line ${start}: ${instruction.keyword} before the first FROM`);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

export const all = (stage: Stage, keyword: string) => stage.instructions.filter((instruction) => instruction.keyword === keyword);
export const last = (stage: Stage, keyword: string) => all(stage, keyword).at(-1);

/** `["node", "server.mjs"]`: exec form only (no shell in between, signals reach node). */
export function execForm(instruction: Instruction | undefined): string[] {
  if (!instruction) throw new Error("instruction missing");
  const parsed: unknown = JSON.parse(instruction.args);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === "string")) throw new Error(`line ${instruction.line}: not exec form`);
  return parsed;
}

/** `KEY=value KEY2="value 2"` pairs of ENV, ARG and LABEL (ARG may have no value). */
export function pairs(instruction: Instruction): [string, string][] {
  return [...instruction.args.matchAll(/([^\s=]+)(?:=("(?:[^"\\]|\\.)*"|\S*))?/g)].map(([, key, value = ""]) => [
    key!,
    value.startsWith('"') ? (JSON.parse(value) as string) : value,
  ]);
}

export type Copy = { from: string | null; sources: string[]; destination: string; line: number };

export function copyOf(instruction: Instruction): Copy {
  const words = instruction.args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith("--"));
  const paths = words.filter((word) => !word.startsWith("--"));
  const from = flags.find((flag) => flag.startsWith("--from="))?.slice("--from=".length) ?? null;
  const unknown = flags.filter((flag) => !flag.startsWith("--from="));
  if (unknown.length) throw new Error(`line ${instruction.line}: COPY flags this reader does not emulate: ${unknown.join(" ")}`);
  if (paths.length < 2) throw new Error(`line ${instruction.line}: COPY needs a source and a destination`);
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1)!, line: instruction.line };
}

export type RuntimeImage = {
  workdir: string;
  user: { uid: number; gid: number };
  env: Record<string, string>;
  command: string[];
  migrateCommand: string[];
};

/** What the runtime (last) stage runs: its WORKDIR, USER, ENV, CMD and the migration command label. */
export function runtimeImage(stages: Stage[]): RuntimeImage {
  const runtime = stages.at(-1)!;
  const workdir = last(runtime, "WORKDIR")?.args ?? "/";
  const user = /^(\d+):(\d+)$/.exec(last(runtime, "USER")?.args ?? "");
  if (!user) throw new Error("the runtime stage needs USER <uid>:<gid>, both numeric");
  const env = Object.fromEntries(all(runtime, "ENV").flatMap(pairs));
  const labels = Object.fromEntries(all(runtime, "LABEL").flatMap(pairs));
  const migrate = labels["aviary.migrate-command"];
  if (!migrate) throw new Error("the runtime stage needs LABEL aviary.migrate-command");
  return {
    workdir,
    user: { uid: Number(user[1]), gid: Number(user[2]) },
    env,
    command: execForm(last(runtime, "CMD")),
    migrateCommand: migrate.split(/\s+/),
  };
}

/**
 * Lays the runtime stage's files out in `into` from the checkout and its build in `distDir`
 * (the Dockerfile builds into `.next`; npm test may build elsewhere: AVIARY_NEXT_DIST_DIR).
 */
export async function assembleRuntime({ stages, repoRoot, distDir, into }: { stages: Stage[]; repoRoot: string; distDir: string; into: string }) {
  const runtime = stages.at(-1)!;
  const runtimeWorkdir = last(runtime, "WORKDIR")?.args ?? "/";
  const local = (file: string) => (file === ".next" || file.startsWith(".next/") ? distDir + file.slice(".next".length) : file);
  const copies = all(runtime, "COPY").map(copyOf);
  const builds = new Map<string, Stage>();
  for (const copy of copies) {
    const build = stages.slice(0, -1).find((stage) => stage.name === copy.from);
    if (!build) throw new Error(`line ${copy.line}: the runtime stage copies only from an earlier stage (COPY --from=<stage>)`);
    builds.set(build.name!, build);
  }
  for (const build of builds.values()) for (const run of all(build, "RUN")) runBuildStep({ args: run.args, cwd: repoRoot, local, line: run.line });
  for (const copy of copies) {
    const buildWorkdir = last(builds.get(copy.from!)!, "WORKDIR")?.args ?? "/";
    const destination = path.posix.relative(runtimeWorkdir, path.posix.resolve(runtimeWorkdir, copy.destination));
    for (const source of copy.sources) {
      const relative = path.posix.relative(buildWorkdir, source);
      if (!relative || relative.startsWith("..")) throw new Error(`line ${copy.line}: ${source} is not inside the build stage's WORKDIR ${buildWorkdir}`);
      const target = path.join(into, local(destination));
      await mkdir(target, { recursive: true });
      // As Docker's COPY: a folder's contents merge into the destination; symlinks stay links.
      await cp(path.join(repoRoot, local(relative)), target, { recursive: true, verbatimSymlinks: true });
    }
  }
}

/**
 * What the build stage's RUN lines do, emulated on the checkout: `npm ci` and the build are what
 * npm test has already done (its `next build` wrote `<distDir>`); our own image steps run here as
 * written. Any other line fails, so a new build step cannot slip past the smoke test.
 */
const DONE_BY_NPM_TEST = ["npm ci --no-audit --no-fund", "npm run build --silent"];

function runBuildStep({ args, cwd, local, line }: { args: string; cwd: string; local: (file: string) => string; line: number }) {
  if (DONE_BY_NPM_TEST.includes(args)) return;
  const [command, script, ...rest] = args.split(/\s+/);
  if (command !== "node" || !script?.startsWith("deploy/image/")) {
    throw new Error(`line ${line}: RUN ${args}: the smoke test does not know how to reproduce this build step (test/image/dockerfile.ts)`);
  }
  execFileSync(process.execPath, [script, ...rest.map(local)], { cwd, stdio: "pipe" });
}
