// Admin endpoints under /admin/*: inspect the services and change workload
// behaviour while the mesh runs, so a demo or a test can make a canary go bad
// on cue. No auth, which is why the server only binds loopback addresses.
import type { IncomingMessage, ServerResponse } from "node:http";
import { MeshError } from "./mesh-error";
import type { Simulator } from "./simulator";

const MAX_BODY_BYTES = 64 * 1024;

export async function handleAdmin({ req, res, url, simulator }: { req: IncomingMessage; res: ServerResponse; url: URL; simulator: Simulator }): Promise<void> {
  try {
    const [, , section, namespace, name, ...rest] = url.pathname.split("/").map((p) => decodeURIComponent(p));
    const method = req.method ?? "GET";
    if (section === "services" && namespace === undefined) {
      allow(method, "GET");
      return sendJson(res, 200, { services: simulator.describe() });
    }
    if (section === "services" && namespace && name && rest.length === 0) {
      allow(method, "PUT");
      const rps = simulator.setRps({ namespace, virtualService: name, patch: await readJson(req) });
      return sendJson(res, 200, { namespace, virtualService: name, rps });
    }
    if (section === "profiles" && namespace && name && rest.length === 0) {
      allow(method, "PUT");
      const profile = simulator.setProfile({ namespace, workload: name, patch: await readJson(req) });
      return sendJson(res, 200, { namespace, workload: name, profile });
    }
    if (section === "reset" && namespace === undefined) {
      allow(method, "POST");
      simulator.reset();
      return sendJson(res, 200, { services: simulator.describe() });
    }
    throw new MeshError("NOT_FOUND", `no admin endpoint ${url.pathname}`);
  } catch (err) {
    if (err instanceof MeshError) return sendJson(res, err.status, err.toJSON());
    if (err instanceof URIError) return sendJson(res, 400, new MeshError("VALIDATION", "malformed path").toJSON());
    console.error("[sandbox mesh] admin request failed", err);
    return sendJson(res, 500, { error: { code: "INTERNAL", message: "internal error" } });
  }
}

function allow(method: string, expected: string): void {
  if (method !== expected) throw new MeshError("METHOD_NOT_ALLOWED", `use ${expected}`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Drain an oversized body instead of bailing out mid-stream, so the 400 still reaches the client.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw new MeshError("VALIDATION", `body larger than ${MAX_BODY_BYTES} bytes`, { "(body)": "too large" });
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MeshError("VALIDATION", "body is not valid JSON", { "(body)": "not valid JSON" });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const payload = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload), "Cache-Control": "no-store" });
  res.end(payload);
}
