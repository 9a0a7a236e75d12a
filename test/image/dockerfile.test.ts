import { readFileSync } from "node:fs";
import path from "node:path";
import { validate } from "dockerfile-utils";
import { describe, expect, it } from "vitest";
import { all, copyOf, last, pairs, parseDockerfile, runtimeImage } from "./dockerfile";

/**
 * The image's rules, checked on the Dockerfile itself (no container engine runs here). That the
 * runtime stage's layout really runs is e2e/image/standalone.spec.ts, after npm test's build.
 */
const root = path.resolve(import.meta.dirname, "..", "..");
const text = readFileSync(path.join(root, "Dockerfile"), "utf8");
const stages = parseDockerfile(text);
const runtime = stages.at(-1)!;
const build = stages.slice(0, -1);
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { engines: { node: string } };

describe("Dockerfile", () => {
  it("passes dockerfile-utils' linter with nothing to say", () => {
    const problems = validate(text).map((problem) => `line ${problem.range.start.line + 1}: ${problem.message}`);
    expect(problems).toEqual([]);
  });

  it("is multi-stage on a pinned slim Node of the version package.json asks for", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const major = /(\d+)/.exec(pkg.engines.node)![1];
    for (const stage of stages) expect(stage.image).toMatch(new RegExp(`^node:${major}\\.\\d+\\.\\d+-[a-z]+-slim$`));
    expect(new Set(stages.map((stage) => stage.image)).size, "build and runtime on the same Node").toBe(1);
  });

  it("installs and builds in the build stage only: the runtime stage runs nothing and copies only build output", () => {
    expect(build.flatMap((stage) => all(stage, "RUN")).map((run) => run.args)).toContain("npm ci --no-audit --no-fund");
    expect(all(runtime, "RUN"), "no RUN in the runtime stage").toEqual([]);
    expect(all(runtime, "ADD")).toEqual([]);
    const copies = all(runtime, "COPY").map(copyOf);
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      expect(copy.from, `line ${copy.line} copies from the build context`).toBe(build.find((stage) => stage.name === copy.from)?.name);
      // The build stage's node_modules hold the dev dependencies; the standalone output holds
      // only the files the server loads (e2e/image checks that no dev dependency is among them).
      for (const source of copy.sources) expect(source, `line ${copy.line}`).not.toMatch(/(^|\/)node_modules(\/|$)/);
    }
    expect(copies.map((copy) => copy.sources[0])).toEqual(
      expect.arrayContaining(["/app/.next/standalone", "/app/.next/static", "/app/public", "/app/prisma/migrations"]),
    );
  });

  it("runs as a numeric non-root user, set after the last COPY", () => {
    const { user } = runtimeImage(stages);
    expect(user.uid).toBeGreaterThan(0);
    expect(user.gid).toBeGreaterThan(0);
    const userLine = last(runtime, "USER")!.line;
    expect(all(runtime, "USER")).toHaveLength(1);
    for (const copy of all(runtime, "COPY")) expect(copy.line).toBeLessThan(userLine);
  });

  it("starts node directly in exec form, with a migration command beside it and a health check", () => {
    const image = runtimeImage(stages);
    expect(image.command[0]).toBe("node");
    expect(image.command).toEqual(expect.arrayContaining(["--hostname", "0.0.0.0"]));
    expect(image.migrateCommand).toEqual(["node", "migrate.mjs"]);
    expect(image.env.NODE_ENV).toBe("production");
    const healthcheck = last(runtime, "HEALTHCHECK");
    expect(healthcheck?.args).toContain("/api/healthz");
    expect(all(runtime, "ENTRYPOINT")).toEqual([]);
  });

  it("bakes no secret into any layer", () => {
    const secretName = /SECRET|PASSWORD|TOKEN|KEY|DATABASE_URL|CREDENTIAL/i;
    for (const stage of stages) {
      for (const instruction of [...all(stage, "ENV"), ...all(stage, "ARG"), ...all(stage, "LABEL")]) {
        for (const [name, value] of pairs(instruction)) {
          expect(name, `line ${instruction.line}`).not.toMatch(secretName);
          expect(value, `line ${instruction.line}`).not.toMatch(/:\/\/[^/\s]*:[^/\s]*@/);
        }
      }
    }
  });
});

describe(".dockerignore", () => {
  const patterns = readFileSync(path.join(root, ".dockerignore"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}(/.*)?$`);
  const ignored = (file: string) => patterns.some((pattern) => glob(pattern).test(file));

  it("keeps local builds, installs, data, secrets and history out of the build context", () => {
    for (const file of ["node_modules", ".next", ".next-image", ".data", ".env", ".env.production", ".git", "lib/db/generated"]) {
      expect(ignored(file), file).toBe(true);
    }
  });

  it("keeps what the build stage needs", () => {
    const copied = [
      "package.json",
      "package-lock.json",
      "prisma/migrations",
      "prisma/schema.prisma",
      "public",
      "app",
      "lib/env.ts",
      "deploy/image/server.ts",
      "scripts/setup.ts",
      "next.config.ts",
      "tsconfig.json",
    ];
    for (const file of copied) expect(ignored(file), file).toBe(false);
  });
});
