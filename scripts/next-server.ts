import { createServer } from "node:http";
import next from "next";
import { stampRequest } from "../lib/http/client-address";

/**
 * Next.js behind a plain Node HTTP server (Next's programmatic API), in place of `next start` /
 * `next dev`: the same app, plus the one thing Next does not give route handlers, the socket's
 * address (and which headers came twice), in headers the client cannot forge because this
 * server overwrites them on every request. See lib/http/client-address.ts.
 *
 *   node --import tsx scripts/next-server.ts start --port 3000 --hostname 127.0.0.1
 */
const [mode = "start", ...args] = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
};
const dev = mode === "dev";
const port = Number(option("port", process.env.PORT ?? "3000"));
const hostname = option("hostname", "127.0.0.1");
// As `next start` and `next dev` do: the mode decides NODE_ENV.
(process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";

async function main() {
  const server = createServer();
  const app = next({ dev, hostname, port, httpServer: server });
  const handle = app.getRequestHandler();
  await app.prepare();
  server.on("request", (request, response) => {
    stampRequest(request);
    void handle(request, response);
  });
  server.listen(port, hostname, () => console.log(`Next.js (${mode}) listening on http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      server.close();
      void app.close().finally(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
