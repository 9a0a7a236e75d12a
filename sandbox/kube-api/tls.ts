// A throwaway CA plus a server certificate signed by it, generated at start.
// Clients trust the CA through the kubeconfig's certificate-authority-data, so
// TLS verification stays on exactly as with a real cluster.
import { isIP } from "node:net";
import { generate } from "selfsigned";

export type TlsMaterial = { caPem: string; certPem: string; keyPem: string };

export async function generateTls(extraHost?: string): Promise<TlsMaterial> {
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const ca = await generate([{ name: "commonName", value: "aviary-sandbox-kube-api-ca (test double)" }], {
    keyType: "ec",
    algorithm: "sha256",
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: "localhost" },
    { type: 7, ip: "127.0.0.1" },
    { type: 7, ip: "::1" },
  ];
  if (extraHost && !["localhost", "127.0.0.1", "::1", "0.0.0.0", "::"].includes(extraHost)) {
    altNames.push(isIP(extraHost) ? { type: 7, ip: extraHost } : { type: 2, value: extraHost });
  }
  const server = await generate([{ name: "commonName", value: "aviary-sandbox-kube-api (test double)" }], {
    keyType: "ec",
    algorithm: "sha256",
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return { caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}
