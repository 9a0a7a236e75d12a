// CLI for the sandbox Kubernetes API test double:
//   npx tsx sandbox/kube-api/main.ts --port 6443 --kubeconfig .data/sandbox/kubeconfig --seed sandbox/kube-api/seed-example.yaml
import path from "node:path";
import { parseArgs } from "node:util";
import type { TokenMap } from "./auth";
import { loadSeedFile } from "./seed";
import { startKubeApi } from "./server";

const USAGE = `Usage: tsx sandbox/kube-api/main.ts [options]
  --port <n>              port to listen on (default 6443, 0 = random)
  --host <addr>           address to bind (default 127.0.0.1)
  --kubeconfig <file>     where to write the kubeconfig (default .data/sandbox/kubeconfig)
  --seed <file>           JSON or YAML objects to create at start (repeatable)
  --data <file>           persist objects to this JSON file (default: in memory)
  --token <t>             admin token to put in the kubeconfig (default: random)
  --read-only-token <t>   also accept this token as a read-only user "viewer"
  --crd-dir <dir>         directory with the Istio CRD YAML files`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "6443" },
      host: { type: "string", default: "127.0.0.1" },
      kubeconfig: { type: "string", default: path.join(".data", "sandbox", "kubeconfig") },
      seed: { type: "string", multiple: true },
      data: { type: "string" },
      token: { type: "string" },
      "read-only-token": { type: "string" },
      "crd-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}\n${USAGE}`);
  const tokens: TokenMap = {};
  if (values.token) tokens[values.token] = { user: "sandbox-admin", allow: "all" };
  if (values["read-only-token"]) tokens[values["read-only-token"]] = { user: "viewer", allow: "read-only" };
  const api = await startKubeApi({
    port,
    host: values.host,
    kubeconfigPath: path.resolve(values.kubeconfig),
    dataFile: values.data && path.resolve(values.data),
    crdDir: values["crd-dir"] && path.resolve(values["crd-dir"]),
    tokens,
    seed: (values.seed ?? []).flatMap((file) => loadSeedFile(path.resolve(file))),
  });
  console.log(`Sandbox Kubernetes API (test double) listening on ${api.url}, kubeconfig at ${api.kubeconfigPath}`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`Sandbox Kubernetes API (test double) stopping (${signal})`);
    api.close().then(
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
  console.error(`Sandbox Kubernetes API (test double) failed to start: ${(err as Error).message ?? String(err)}`);
  process.exit(1);
});
