import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./scripts/lib/chromium";

/**
 * Browser tests run Debian's Chromium (Playwright's own browser download is not reachable here)
 * against the production build, served by e2e/fixtures/server.ts with the whole local stack:
 * fresh database, sandbox Kubernetes API and mesh, Prometheus (see e2e/fixtures/stack.ts).
 */
const port = Number(process.env.E2E_PORT ?? 3210);
const chromium = CHROMIUM_PATH;
if (!existsSync(chromium)) {
  throw new Error(
    `Chromium is missing: no browser at ${chromium}. Install it (Debian/Ubuntu: sudo apt-get install chromium, or bash scripts/ensure-system-deps.sh) or set CHROMIUM_PATH.`,
  );
}

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    timezoneId: "Europe/Berlin",
    launchOptions: {
      executablePath: chromium,
      args: CHROMIUM_ARGS,
    },
  },
  webServer: {
    // node --import tsx, not npx tsx: one process between Playwright and the launcher, so the
    // SIGTERM below reaches it directly and it can stop the stack in order.
    command: `"${process.execPath}" --import tsx e2e/fixtures/server.ts`,
    url: `http://127.0.0.1:${port}/api/readyz`,
    env: { E2E_PORT: String(port) },
    // Four processes, a first Prometheus scrape and `next start` on two cores.
    timeout: 240_000,
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
