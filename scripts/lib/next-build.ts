import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { log } from "./log";

const SOURCES = ["app", "components", "lib", "public", "next.config.ts", "proxy.ts", "package-lock.json"];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce((max, entry) => Math.max(max, newestMtime(path.join(target, entry))), stat.mtimeMs);
}

/** Builds the production bundle unless .next (or AVIARY_NEXT_DIST_DIR) already holds a build newer than every source. */
export function buildIfStale(): void {
  const buildId = path.join(process.cwd(), process.env.AVIARY_NEXT_DIST_DIR || ".next", "BUILD_ID");
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const changed = Math.max(...SOURCES.map((source) => newestMtime(path.join(process.cwd(), source))));
  if (built > changed) return log("setup", "production build is up to date");
  log("setup", "building the app (next build, about a minute on 2 cores)");
  execFileSync(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
}
