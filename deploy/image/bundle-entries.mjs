// Bundles the image's two commands into plain JavaScript that needs no dev dependency at run
// time (no tsx, no TypeScript): server.mjs (the web server, on Next's standalone output) and
// migrate.mjs (the migrations). Run in the Dockerfile's build stage, where esbuild (tsx's own
// compiler) is installed; the npm test image smoke test runs the same command.
//
//   node deploy/image/bundle-entries.mjs <out dir>
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const out = process.argv[2];
if (!out) {
  console.error("usage: node deploy/image/bundle-entries.mjs <out dir>");
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));

await build({
  entryPoints: { server: path.join(here, "server.ts"), migrate: path.join(here, "migrate.ts") },
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // next comes from the standalone output's node_modules (its traced files); pg and zod are
  // bundled in, pg-native is an optional add-on pg only loads when asked to.
  external: ["next", "next/*", "pg-native"],
  // pg is CommonJS and requires Node built-ins, which an ES module bundle must be given.
  banner: { js: 'import { createRequire as __aviaryCreateRequire } from "node:module"; const require = __aviaryCreateRequire(import.meta.url);' },
  logLevel: "warning",
  legalComments: "none",
});
console.log(`bundled server.mjs and migrate.mjs into ${out}`);
