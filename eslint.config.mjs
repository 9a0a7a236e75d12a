import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * ARCHITECTURE.md's layers, kept by the linter: each entry says what a folder may not import.
 * Patterns match both the "@/lib/..." alias and relative paths.
 */
const layer = (...folders) =>
  folders.flatMap((folder) => [`@/lib/${folder}`, `@/lib/${folder}/**`, `**/lib/${folder}`, `**/lib/${folder}/**`, `../${folder}`, `../${folder}/**`]);
const ADAPTERS = layer("db", "kube", "prometheus", "mesh", "outbound");
const SERVER_ONLY = [
  ...ADAPTERS,
  ...layer("server", "composition", "background", "metrics", "http", "auth"),
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

// Prisma lives behind lib/db (repositories and the client factory): everywhere else speaks in
// domain objects, so a schema change is one folder's business. Tooling that truly needs Prisma
// (prisma.config.ts, scripts/) is outside the linted layers.
const PRISMA = ["@prisma/*", "@/lib/db/generated", "@/lib/db/generated/**", "**/db/generated", "**/db/generated/**"];
const PRISMA_MESSAGE = "Prisma stays behind lib/db: call a repository there (which returns domain objects), never the generated client.";

// ESLint keeps only the last options of a rule that several blocks set for one file, so each
// block carries every group that applies to its files (its layer, then Prisma where it applies).
const restrict = (files, patterns, message, extra = []) => ({
  files,
  rules: { "no-restricted-imports": ["error", { patterns: [{ group: patterns, message }, ...extra] }] },
});
const noPrisma = [{ group: PRISMA, message: PRISMA_MESSAGE }];

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
    ["lib/db/**/*.ts"],
    [...layer("server", "composition", "background", "metrics", "http", "auth", "client"), "next", "next/*"],
    "Adapters know nothing of use cases, HTTP or sign-in.",
  ),
  restrict(
    ["lib/kube/**/*.ts", "lib/prometheus/**/*.ts", "lib/mesh/**/*.ts", "lib/outbound/**/*.ts"],
    [...layer("server", "composition", "background", "metrics", "http", "auth", "client"), "next", "next/*"],
    "Adapters know nothing of use cases, HTTP or sign-in.",
    noPrisma,
  ),
  restrict(
    ["lib/server/**/*.ts"],
    [...layer("http", "client"), "next", "next/*"],
    "Use cases know nothing of HTTP: routes translate requests into their arguments.",
    noPrisma,
  ),
  // The folders no layer rule above covers still keep Prisma out.
  {
    files: [
      "lib/auth/**/*.ts",
      "lib/http/**/*.ts",
      "lib/background/**/*.ts",
      "lib/composition/**/*.ts",
      "lib/metrics/**/*.ts",
      "lib/*.ts",
      "proxy.ts",
      "instrumentation.ts",
    ],
    rules: { "no-restricted-imports": ["error", { patterns: noPrisma }] },
  },
  restrict(
    ["app/**/*.ts", "app/**/*.tsx"],
    ADAPTERS,
    "Routes and pages reach adapters only through the use cases and getDeps() (lib/composition), never directly.",
  ),
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
  {
    files: ["app/**/*.ts", "app/**/*.tsx", "lib/**/*.ts", "lib/**/*.tsx", "components/**/*.tsx", "proxy.ts", "instrumentation.ts"],
    ignores: ["lib/db/**", "**/*.test.ts", "**/*.test.tsx"],
    rules: {
      // Not an import, so the rule above cannot see it: a use case or route reading tables through
      // the client it was handed (deps.db.rollout.findMany) instead of a repository in lib/db.
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.type='MemberExpression'][object.property.name='db'][object.object.name='deps']",
          message: "deps.db.<model> is Prisma outside lib/db: add or use a repository function there and pass it deps.db.",
        },
        {
          selector:
            "MemberExpression[object.type='MemberExpression'][object.property.name='db'][object.object.type='CallExpression'][object.object.callee.name=/^(getDeps|deps)$/]",
          message: "getDeps().db.<model> is Prisma outside lib/db: add or use a repository function there.",
        },
      ],
    },
  },
  {
    // Every server line goes through lib/log.ts, which masks secrets and writes one JSON object per
    // line; a bare console call skips both. Scripts, the sandbox and tests may print as they like.
    files: ["app/**/*.ts", "app/**/*.tsx", "lib/**/*.ts", "lib/**/*.tsx", "components/**/*.tsx", "proxy.ts", "instrumentation.ts"],
    ignores: ["lib/log.ts", "**/*.test.ts", "**/*.test.tsx"],
    rules: { "no-console": "error" },
  },
  // Tests may reach into any layer to set up and inspect.
  { files: ["**/*.test.ts", "**/*.test.tsx"], rules: { "no-restricted-imports": "off" } },
];

export default config;
