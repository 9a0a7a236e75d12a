import { AdapterError } from "../app-error";

/**
 * The demo's sandbox mesh (sandbox/mesh, a test double that stands in for Istio's traffic and
 * metrics), through its admin API: how a workload answers. Only the demo wires it in, so a
 * visitor can break a healthy canary and watch automated analysis react. Never a real mesh.
 */
export type WorkloadProfile = { errorRatio?: number; p50Ms?: number; p95Ms?: number };

export type SandboxMesh = {
  setProfile(namespace: string, workload: string, profile: WorkloadProfile): Promise<WorkloadProfile>;
  /** Every workload back to the profile the demo configured. */
  reset(): Promise<void>;
};

export class SandboxMeshError extends AdapterError {
  static override readonly brand = "SandboxMeshError";

  constructor(message: string) {
    super("SANDBOX_UNAVAILABLE", message);
    this.name = "SandboxMeshError";
  }
}

export function createSandboxMesh(adminUrl: string, { timeoutMs = 3_000 } = {}): SandboxMesh {
  const base = adminUrl.replace(/\/+$/, "");
  const call = async (method: string, path: string, body?: unknown) => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new SandboxMeshError(`the sandbox mesh at ${base} did not answer: ${(error as Error).message}`);
    }
    const json = (await response.json().catch(() => null)) as { profile?: WorkloadProfile; error?: { message?: string } } | null;
    if (!response.ok) throw new SandboxMeshError(`the sandbox mesh refused: ${json?.error?.message ?? `HTTP ${response.status}`}`);
    return json;
  };
  return {
    async setProfile(namespace, workload, profile) {
      const json = await call("PUT", `/profiles/${encodeURIComponent(namespace)}/${encodeURIComponent(workload)}`, profile);
      return json?.profile ?? profile;
    },
    async reset() {
      await call("POST", "/reset");
    },
  };
}
