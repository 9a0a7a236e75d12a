// CLI for the sandbox mesh (test double):
//   npx tsx sandbox/mesh/main.ts --config sandbox/mesh/example-config.yaml --port 9464
import path from "node:path";
import { parseArgs } from "node:util";
import { loadMeshConfigFile } from "./config";
import { startMesh } from "./server";

const USAGE = `Usage: tsx sandbox/mesh/main.ts --config <file.json|file.yaml> [options]
  --config <file>       mesh config (JSON or YAML), see sandbox/mesh/README.md
  --port <n>            port to listen on (default 9464, 0 = random)
  --host <addr>         loopback address to bind (default 127.0.0.1)
  --kubeconfig <file>   overrides kubeconfigPath from the config
  --seed <n>            overrides seed from the config`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: "string" },
      port: { type: "string", default: "9464" },
      host: { type: "string", default: "127.0.0.1" },
      kubeconfig: { type: "string" },
      seed: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.config) throw new Error(`--config is required\n${USAGE}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}\n${USAGE}`);
  const config = loadMeshConfigFile(path.resolve(values.config));
  const mesh = await startMesh({
    config: {
      ...config,
      ...(values.kubeconfig && { kubeconfigPath: path.resolve(values.kubeconfig) }),
      ...(values.seed !== undefined && { seed: Number(values.seed) }),
    },
    port,
    host: values.host,
  });
  console.log(`Sandbox mesh (test double) serving Istio metrics on ${mesh.metricsUrl}`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`Sandbox mesh (test double) stopping (${signal})`);
    mesh.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(`Sandbox mesh (test double) failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
