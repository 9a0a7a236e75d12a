import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { afterAll, describe, expect, it } from "vitest";
import { VS } from "./test-support";

const here = path.dirname(new URL(import.meta.url).pathname);
const repoRoot = path.resolve(here, "..", "..");
const tmp = mkdtempSync(path.join(os.tmpdir(), "aviary-kube-api-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("sandbox kube-api (test double): CLI", () => {
  it("starts with a seed file, serves it through the kubeconfig, and exits cleanly on SIGTERM", async () => {
    const kubeconfig = path.join(tmp, "kubeconfig");
    const child = spawn(
      path.join(repoRoot, "node_modules", ".bin", "tsx"),
      ["sandbox/kube-api/main.ts", "--port", "0", "--kubeconfig", kubeconfig, "--seed", "sandbox/kube-api/seed-example.yaml"],
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
    expect(line).toMatch(/^Sandbox Kubernetes API \(test double\) listening on https:\/\/127\.0\.0\.1:\d+, kubeconfig at /);
    expect(line).toContain(kubeconfig);

    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const client = kc.makeApiClient(CustomObjectsApi);
    const vs = (await client.getNamespacedCustomObject({ ...VS, namespace: "shop", name: "checkout" })) as {
      spec: { http: { name: string; route: { weight: number }[] }[] };
    };
    expect(vs.spec.http[0]?.name).toBe("primary");
    expect(vs.spec.http[0]?.route.map((r) => r.weight)).toEqual([100, 0]);
    await client.getNamespacedCustomObject({ group: VS.group, version: "v1", namespace: "shop", plural: "destinationrules", name: "checkout" });

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
