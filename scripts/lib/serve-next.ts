import { createServer } from "node:http";
import next from "next";
import { stampRequest } from "../../lib/http/client-address";

/**
 * Next.js behind a plain Node HTTP server (Next's programmatic API), in place of `next start` /
 * `next dev`: the same app, plus the one thing Next does not give route handlers, the socket's
 * address (and which headers came twice), in headers the client cannot forge because this
 * server overwrites them on every request. See lib/http/client-address.ts. Used by
 * scripts/next-server.ts (the checkout) and deploy/image/server.ts (the container image).
 */
export async function serveNext({ dev, dir, port, hostname, label }: { dev: boolean; dir?: string; port: number; hostname: string; label: string }) {
  // As `next start` and `next dev` do: the mode decides NODE_ENV.
  (process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";
  const server = createServer();
  const app = next({ dev, dir, hostname, port, httpServer: server });
  const handle = app.getRequestHandler();
  await app.prepare();
  server.on("request", (request, response) => {
    stampRequest(request);
    void handle(request, response);
  });
  server.listen(port, hostname, () => console.log(`Next.js (${label}) listening on http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      server.close();
      void app.close().finally(() => process.exit(0));
    });
  }
}

/** `--name value` from a command line, or the fallback. */
export function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
}
