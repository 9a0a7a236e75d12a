import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadResources } from "./resources";
import { DEFAULT_CRD_DIR, startKubeApi } from "./server";
import { checkoutVs } from "./test-support";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("the Istio CRDs the sandbox validates against", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("ship inside the repository, so a clone of it alone runs the sandbox", () => {
    const relative = path.relative(repoRoot, DEFAULT_CRD_DIR);
    expect(relative).toBe(path.join("sandbox", "kube-api", "crds"));
    const resources = loadResources(DEFAULT_CRD_DIR);
    expect(resources.all.map((r) => [r.plural, r.versions]).sort()).toEqual([
      ["destinationrules", ["v1", "v1beta1", "v1alpha3"]],
      ["virtualservices", ["v1", "v1beta1", "v1alpha3"]],
    ]);
  });

  it("are the files their README names, by checksum, next to their licence", () => {
    const readme = readFileSync(path.join(DEFAULT_CRD_DIR, "README.md"), "utf8");
    for (const file of ["virtualservices.crd.yaml", "destinationrules.crd.yaml"]) {
      const sha = createHash("sha256")
        .update(readFileSync(path.join(DEFAULT_CRD_DIR, file)))
        .digest("hex");
      expect(readme).toContain(`\`${file}\` \`${sha}\``);
    }
    expect(readme).toContain("86c9f01fd735fb01d8192f5bcaf0d424afb7f14c");
    expect(readFileSync(path.join(DEFAULT_CRD_DIR, "LICENSE"), "utf8")).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
  });

  it("can still be swapped through AVIARY_ISTIO_CRD_DIR", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "aviary-crds-"));
    try {
      copyFileSync(path.join(DEFAULT_CRD_DIR, "virtualservices.crd.yaml"), path.join(dir, "virtualservices.crd.yaml"));
      vi.stubEnv("AVIARY_ISTIO_CRD_DIR", dir);
      const api = await startKubeApi();
      try {
        expect(api.store.put(checkoutVs()).metadata.name).toBe("checkout");
        // only the VirtualService CRD is in that folder
        expect(() =>
          api.store.put({ apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "d", namespace: "shop" }, spec: { host: "d" } }),
        ).toThrow();
      } finally {
        await api.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
