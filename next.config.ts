import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Separate build folders let parallel checkouts' builds and a running demo coexist.
  distDir: process.env.AVIARY_NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  // The Prisma client and pg stay outside the bundle: they are server-only and load Node built-ins.
  serverExternalPackages: ["@prisma/adapter-pg", "pg"],
  // Lint runs as its own step (npm run lint); types are checked by npm run typecheck.
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
