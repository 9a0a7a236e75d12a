import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import lighthouse, { desktopConfig } from "lighthouse";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../scripts/lib/chromium";
import { freePort } from "../test/free-port";
import { startDemo } from "./demo-app";
import type { BenchContext, BenchModule } from "./run";

/**
 * Lighthouse (desktop preset: simulated fast network, no CPU slowdown, 1350×940) on the demo's
 * `checkout-v2` detail page and on the overview, signed in as a demo viewer, in Debian's Chromium.
 * Each page is measured RUNS times in a fresh tab and the run with the median score is reported.
 * The full reports go to .data/bench/lighthouse-reports/ for a closer look.
 */
const RUNS = 3;
const DETAIL_GOAL = 90;

type Measured = { score: number; fcp: number; lcp: number; tbt: number; cls: number; si: number; scriptKiB: number; report: unknown };

async function startChromium(): Promise<{ port: number; close: () => Promise<void> }> {
  const port = await freePort();
  const profile = await mkdtemp(path.join(os.tmpdir(), "aviary-lighthouse-"));
  const chromium = spawn(
    CHROMIUM_PATH,
    [
      ...CHROMIUM_ARGS,
      "--headless=new",
      `--remote-debugging-port=${port}`,
      "--remote-debugging-address=127.0.0.1",
      `--user-data-dir=${profile}`,
      "about:blank",
    ],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => chromium.once("exit", () => resolve()));
  const close = async () => {
    if (chromium.exitCode === null) chromium.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (chromium.exitCode === null) chromium.kill("SIGKILL");
    await rm(profile, { recursive: true, force: true });
  };
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const up = await fetch(`http://127.0.0.1:${port}/json/version`).then(
      (res) => res.ok,
      () => false,
    );
    if (up) return { port, close };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await close();
  throw new Error(`Chromium did not open its debugging port ${port} within 30 s`);
}

async function measure(url: string, { port, cookie }: { port: number; cookie: string }): Promise<Measured> {
  const result = await lighthouse(
    url,
    { port, hostname: "127.0.0.1", output: "json", logLevel: "error", onlyCategories: ["performance"], extraHeaders: { cookie } },
    desktopConfig,
  );
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const numeric = (id: string) => {
    const value = lhr.audits[id]?.numericValue;
    if (typeof value !== "number") throw new Error(`Lighthouse gave no ${id} for ${url}`);
    return value;
  };
  const resources = (lhr.audits["resource-summary"]?.details as { items?: { resourceType: string; transferSize: number }[] } | undefined)?.items ?? [];
  return {
    score: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    fcp: numeric("first-contentful-paint"),
    lcp: numeric("largest-contentful-paint"),
    tbt: numeric("total-blocking-time"),
    cls: numeric("cumulative-layout-shift"),
    si: numeric("speed-index"),
    scriptKiB: (resources.find((item) => item.resourceType === "script")?.transferSize ?? 0) / 1024,
    report: lhr,
  };
}

function median(runs: Measured[]): Measured {
  return [...runs].sort((a, b) => a.score - b.score || a.tbt - b.tbt)[Math.floor(runs.length / 2)]!;
}

async function main({ log }: BenchContext): Promise<string> {
  const demo = await startDemo({ name: "lighthouse", log });
  try {
    const cookie = await demo.signIn();
    const checkout = await demo.rolloutId("checkout-v2", cookie);
    const pages = [
      { name: "Rollout detail (`checkout-v2`)", slug: "detail", url: `${demo.base}/rollouts/${checkout}` },
      { name: "Overview", slug: "overview", url: `${demo.base}/` },
    ];
    // One cold load first, so the server's first-request work (route compilation, caches) is not measured.
    for (const page of pages) await fetch(page.url, { headers: { cookie } });
    const reports = path.resolve(".data", "bench", "lighthouse-reports");
    await mkdir(reports, { recursive: true });

    const results: { name: string; best: Measured; scores: number[] }[] = [];
    for (const page of pages) {
      const runs: Measured[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        // A fresh browser per run: no warm HTTP cache or compiled-code cache from the previous run.
        const chromium = await startChromium();
        try {
          runs.push(await measure(page.url, { port: chromium.port, cookie }));
        } finally {
          await chromium.close();
        }
        const last = runs.at(-1)!;
        log(`${page.slug} run ${i + 1}: score ${last.score}, TBT ${last.tbt.toFixed(0)} ms, LCP ${last.lcp.toFixed(0)} ms, CLS ${last.cls.toFixed(3)}`);
      }
      const best = median(runs);
      await writeFile(path.join(reports, `${page.slug}.json`), JSON.stringify(best.report, null, 1));
      results.push({ name: page.name, best, scores: runs.map((run) => run.score) });
    }

    const rows = results.map(
      ({ name, best, scores }) =>
        `| ${name} | **${best.score}** (${scores.join(", ")}) | ${best.fcp.toFixed(0)} ms | ${best.lcp.toFixed(0)} ms | ${best.tbt.toFixed(0)} ms | ${best.cls.toFixed(3)} | ${best.si.toFixed(0)} ms | ${best.scriptKiB.toFixed(0)} KiB |`,
    );
    const detail = results[0]!.best;
    return [
      "## Lighthouse (desktop)",
      "",
      `Lighthouse ${lighthouseVersion(detail.report)} with its desktop preset (simulated throttling: 40 ms RTT, 10 Mbit/s, no CPU slowdown; 1350×940) against the demo's production build, signed in as a viewer (session cookie sent as a header), in Debian's Chromium (headless). Each page ${RUNS} times, each in a fresh browser; the table shows the run with the median score (all scores in brackets).`,
      "",
      "| Page | Performance | FCP | LCP | TBT | CLS | Speed Index | JavaScript (transferred) |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rows,
      "",
      "| Goal | Measured | Result |",
      "| --- | ---: | :---: |",
      `| Detail page Lighthouse desktop performance ≥ ${DETAIL_GOAL} | ${detail.score} | ${detail.score >= DETAIL_GOAL ? "PASS" : "FAIL"} |`,
    ].join("\n");
  } finally {
    await demo.stop();
  }
}

function lighthouseVersion(report: unknown): string {
  return (report as { lighthouseVersion?: string }).lighthouseVersion ?? "";
}

const lighthouseBench: BenchModule = { title: "Lighthouse (desktop)", run: main };
export default lighthouseBench;
