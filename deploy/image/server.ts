import { readdirSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseServerEnv } from "../../lib/env";
import { option, serveNext } from "../../scripts/lib/serve-next";

/**
 * The container's web server (CMD in the Dockerfile), bundled to /app/server.mjs by
 * deploy/image/bundle-entries.mjs: the checkout's request-stamping server (scripts/lib/serve-next.ts)
 * on Next's standalone output. It does what the standalone server.js that Next writes does before
 * starting (run from its own folder, take the build's configuration, as next.config.ts is not
 * shipped) and then serves through our server instead, so the audit log keeps client addresses.
 *
 *   node server.mjs --hostname 0.0.0.0      (port: PORT, default 3000)
 */
const dir = path.dirname(fileURLToPath(import.meta.url));
process.chdir(dir);

/** `<distDir>/required-server-files.json`: the configuration the build ran with (distDir included). */
function buildConfig(): unknown {
  const found = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "required-server-files.json")))
    .map((entry) => path.join(dir, entry.name, "required-server-files.json"));
  if (found.length !== 1) throw new Error(`expected one Next.js build beside ${path.join(dir, "server.mjs")}, found ${found.length}`);
  return (JSON.parse(readFileSync(found[0]!, "utf8")) as { config: unknown }).config;
}

// Next's contract for standalone servers (its own server.js sets the same variable): the build's
// configuration, applied as is instead of loading next.config.
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(buildConfig());

serveNext({
  dev: false,
  dir,
  port: parseServerEnv().PORT,
  hostname: option(process.argv.slice(2), "hostname", "0.0.0.0"),
  label: "image",
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
