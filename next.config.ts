import type { NextConfig } from "next";
import { PHASE_PRODUCTION_BUILD } from "next/constants";
import { API_CSP, STATIC_SECURITY_HEADERS } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // Separate build folders let parallel checkouts' builds and a running demo coexist.
  distDir: process.env.AVIARY_NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  // The Prisma client and pg stay outside the bundle: they are server-only and load Node built-ins.
  serverExternalPackages: ["@prisma/adapter-pg", "pg"],
  // Lint runs as its own step (npm run lint); types are checked by npm run typecheck.
  typescript: { ignoreBuildErrors: false },
  // proxy.ts sets these (and a per-request CSP) on everything it sees; this covers what it does
  // not: the build's static files and the favicon.
  async headers() {
    const headers = [...Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value })), { key: "Content-Security-Policy", value: API_CSP }];
    return [
      { source: "/_next/:path*", headers },
      { source: "/favicon.svg", headers },
    ];
  },
};

/**
 * Builds also write `<distDir>/standalone`: the server and only the node_modules files it loads,
 * which the container image ships (Dockerfile). Only the build phase sees it: the launchers run
 * Next's programmatic server on the full checkout, which would otherwise warn that standalone
 * output belongs to `node server.js`.
 */
export default function config(phase: string): NextConfig {
  return phase === PHASE_PRODUCTION_BUILD ? { ...nextConfig, output: "standalone" } : nextConfig;
}
