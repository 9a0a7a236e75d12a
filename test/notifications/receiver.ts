import http from "node:http";
import { verifyWebhookSignature } from "@/lib/domain/notifications/signature";

/**
 * A local webhook receiver for the notification tests: records every request (headers, raw body,
 * when it arrived), verifies the HMAC signature when given the secret (or a function of the
 * receiver's URL that gives it, for secrets derived per URL), and answers after `delayMs` (a slow
 * receiver) with `status`.
 */
export type Received = { at: number; headers: http.IncomingHttpHeaders; body: string; verified: string | true | null };

export type Receiver = { url: string; received: Received[]; close(): Promise<void> };

function urlOf(server: http.Server): string {
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}/hooks/secret-path-${port}`;
}

export async function startReceiver({
  secret: secretOf,
  delayMs = 0,
  status = 200,
}: { secret?: string | ((url: string) => string); delayMs?: number; status?: number } = {}): Promise<Receiver> {
  const received: Received[] = [];
  const pending = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const header = req.headers["x-aviary-signature"];
      const secret = typeof secretOf === "function" ? secretOf(urlOf(server)) : secretOf;
      const verification = secret ? verifyWebhookSignature({ secret, header: typeof header === "string" ? header : null, body }) : null;
      received.push({ at: Date.now(), headers: req.headers, body, verified: verification === null ? null : verification.ok ? true : verification.reason });
      const timer = setTimeout(() => {
        pending.delete(timer);
        res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "no");
      }, delayMs);
      pending.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: urlOf(server),
    received,
    close: async () => {
      for (const timer of pending) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
