// Kubeconfig generation: one cluster (with the sandbox CA), one token user,
// one context. Same file shape `kubectl config view --raw` produces.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";

export type KubeconfigInput = { server: string; caPem: string; token: string; user?: string; namespace?: string };

export const CONTEXT_NAME = "aviary-sandbox";

export function buildKubeconfig(input: KubeconfigInput): string {
  const user = input.user ?? "aviary-sandbox-admin";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: CONTEXT_NAME,
        cluster: {
          server: input.server,
          "certificate-authority-data": Buffer.from(input.caPem).toString("base64"),
        },
      },
    ],
    users: [{ name: user, user: { token: input.token } }],
    contexts: [
      {
        name: CONTEXT_NAME,
        context: { cluster: CONTEXT_NAME, user, namespace: input.namespace ?? "default" },
      },
    ],
    "current-context": CONTEXT_NAME,
    preferences: {},
  });
}

export function writeKubeconfig(file: string, yaml: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  // Holds a bearer token: keep it private like kubectl does.
  writeFileSync(file, yaml, { mode: 0o600 });
  chmodSync(file, 0o600);
}
