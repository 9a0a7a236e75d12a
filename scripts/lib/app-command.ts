import path from "node:path";

/**
 * How every launcher (npm start/dev, the demo, the browser tests) runs the app: Next.js behind
 * scripts/next-server.ts, which hands route handlers the socket's address and repeated headers
 * (lib/http/client-address.ts). Plain `next start` would leave client addresses unknown.
 */
export function appCommand({ repoRoot, mode, port }: { repoRoot: string; mode: "start" | "dev"; port: number }): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: ["--import", "tsx", path.join(repoRoot, "scripts", "next-server.ts"), mode, "--port", String(port), "--hostname", "127.0.0.1"],
  };
}
