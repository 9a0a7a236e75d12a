import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeApi, type KubeApi } from "../kube-api/server";
import { checkoutVirtualService, requestsTo, scrape } from "./test-support";

const here = path.dirname(new URL(import.meta.url).pathname);
const repoRoot = path.resolve(here, "..", "..");
let api: KubeApi;
beforeAll(async () => {
  api = await startKubeApi({ seed: [checkoutVirtualService([100, 0])] });
});
afterAll(() => api.close());

describe("sandbox mesh (test double): CLI", () => {
  it("serves metrics for the example config and exits cleanly on SIGTERM", async () => {
    const child = spawn(
      path.join(repoRoot, "node_modules", ".bin", "tsx"),
      ["sandbox/mesh/main.ts", "--config", "sandbox/mesh/example-config.yaml", "--kubeconfig", api.kubeconfigPath, "--port", "0", "--seed", "7"],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
      });
      void exited.then((code) => reject(new Error(`CLI exited early (${String(code)}): ${stderr}`)));
    });
    expect(line).toMatch(/^Sandbox mesh \(test double\) serving Istio metrics on http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const metricsUrl = line.split(" on ")[1] ?? "";

    // The example config runs at 50 rps with 250 ms ticks: a request shows up within a second.
    let requests = 0;
    for (let i = 0; i < 40 && requests === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      requests = requestsTo(await scrape(metricsUrl), "checkout-stable");
    }
    expect(requests).toBeGreaterThan(0);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
