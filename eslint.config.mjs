import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * ARCHITECTURE.md's layers, kept by the linter: each entry says what a folder may not import.
 * Patterns match both the "@/lib/..." alias and relative paths.
 */
const layer = (...folders) =>
  folders.flatMap((folder) => [`@/lib/${folder}`, `@/lib/${folder}/**`, `**/lib/${folder}`, `**/lib/${folder}/**`, `../${folder}`, `../${folder}/**`]);
const ADAPTERS = layer("db", "kube", "prometheus", "mesh", "webhooks");
const SERVER_ONLY = [
  ...ADAPTERS,
  ...layer("server", "http", "auth"),
  "@/proxy",
  "pg",
  "@prisma/*",
  "@kubernetes/*",
  "node:fs",
  "node:fs/*",
  "node:child_process",
  "node:net",
  "node:http",
  "node:https",
];

const restrict = (files, patterns, message) => ({
  files,
  rules: { "no-restricted-imports": ["error", { patterns: [{ group: patterns, message }] }] },
});

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", ".next-*/**", "node_modules/**", "lib/db/generated/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  restrict(
    ["lib/domain/**/*.ts"],
    [...SERVER_ONLY, ...layer("client", "contracts"), "next", "next/*", "react", "react-dom"],
    "lib/domain is pure: no adapters, use cases, HTTP, auth I/O, framework or I/O modules (ARCHITECTURE.md).",
  ),
  restrict(
    ["lib/contracts/**/*.ts"],
    [...SERVER_ONLY, ...layer("client"), "next", "next/*", "react"],
    "lib/contracts holds types and schemas shared with the browser: nothing server-only.",
  ),
  restrict(
    ["lib/db/**/*.ts", "lib/kube/**/*.ts", "lib/prometheus/**/*.ts", "lib/mesh/**/*.ts", "lib/webhooks/**/*.ts"],
    [...layer("server", "http", "auth", "client"), "next", "next/*"],
    "Adapters know nothing of use cases, HTTP or sign-in.",
  ),
  restrict(
    ["lib/server/**/*.ts"],
    [...layer("http", "client"), "next", "next/*"],
    "Use cases know nothing of HTTP: routes translate requests into their arguments.",
  ),
  restrict(["app/**/*.ts", "app/**/*.tsx"], ADAPTERS, "Routes and pages reach adapters only through the use cases and getDeps() (lib/server), never directly."),
  restrict(
    ["lib/client/**/*.ts", "lib/client/**/*.tsx", "components/**/*.tsx", "components/**/*.ts"],
    [...SERVER_ONLY],
    "Browser code imports no server module: shared types live in lib/contracts.",
  ),
  {
    files: ["app/**/*.ts", "app/**/*.tsx", "lib/**/*.ts", "lib/**/*.tsx", "components/**/*.tsx", "proxy.ts", "instrumentation.ts"],
    ignores: ["lib/env.ts", "**/*.test.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read configuration through lib/env.ts (processEnv, parseServerEnv), the app's one door to the environment.",
        },
      ],
    },
  },
  // Tests may reach into any layer to set up and inspect.
  { files: ["**/*.test.ts", "**/*.test.tsx"], rules: { "no-restricted-imports": "off" } },
];

export default config;
