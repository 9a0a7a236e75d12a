import http from "node:http";
import net from "node:net";

/**
 * Local services for approval HTTP checks: /ok answers 200, /fail 503, /slow answers after 3 s,
 * /redirect 302; `downUrl` is a port nothing listens on. Counts requests per path.
 */
export async function startCheckServer() {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === "/ok") return res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(`all good\u0000 ${"x".repeat(5000)}`);
    if (path === "/fail") {
      res.statusCode = 503;
      return res.end("database migration pending");
    }
    if (path === "/redirect") {
      res.writeHead(302, { location: "/ok" });
      return res.end();
    }
    if (path === "/slow") return void setTimeout(() => res.end("late"), 3000);
    res.statusCode = 404;
    res.end("no such check");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  // A port that was free a moment ago: nothing listens there, so connecting is refused.
  const spare = net.createServer();
  await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve));
  const downPort = (spare.address() as net.AddressInfo).port;
  await new Promise((resolve) => spare.close(resolve));
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    downUrl: `http://127.0.0.1:${downPort}/healthz`,
    hits: (path: string) => hits.get(path) ?? 0,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
