import { spawn } from "node:child_process";
import path from "node:path";
import type { BenchContext, BenchModule } from "./run";

/**
 * The API fuzzing at full size: test/api/api-fuzz.test.ts (fast-check over every route with
 * input, on a real database, sandbox cluster and Prometheus) with FUZZ_RUNS inputs, 10,000 by
 * default; `npm run fuzz` runs the same thing alone. The section lists how each route answered.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

async function main({ log }: BenchContext): Promise<string> {
  const vitest = path.resolve("node_modules", ".bin", "vitest");
  const started = performance.now();
  const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
    const child = spawn(vitest, ["run", "test/api/api-fuzz.test.ts"], { env: { ...process.env, FUZZ_RUNS: String(RUNS), FUZZ_SEED: String(SEED) } });
    let text = "";
    const keep = (chunk: Buffer) => (text += chunk.toString("utf8"));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("exit", (code) => resolve({ code, text }));
  });
  const seconds = (performance.now() - started) / 1000;
  const stats = /fuzz: (\d+) inputs \(seed (\d+)\); statuses by route: (\{.*\})/.exec(output.text);
  if (!stats) throw new Error(`the fuzz run printed no statistics (exit ${output.code}):\n${output.text.slice(-3000)}`);
  const byRoute = JSON.parse(stats[3]!) as Record<string, Record<string, number>>;
  log(`  ${stats[1]} inputs in ${seconds.toFixed(0)} s, exit ${output.code}`);
  const rows = Object.entries(byRoute)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([route, counts]) => {
      const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
      const fives = Object.entries(counts)
        .filter(([status]) => Number(status) >= 500)
        .reduce((sum, [, n]) => sum + n, 0);
      const statuses = Object.entries(counts)
        .map(([status, n]) => `${status}: ${n}`)
        .join(", ");
      return `| \`${route}\` | ${total} | ${statuses} | ${fives} |`;
    });
  const passed = output.code === 0;
  return [
    `${stats[1]} fast-check inputs (seed ${stats[2]}) over every API route with input, through the real route handlers on a real PostgreSQL, the sandbox Kubernetes API and a real Prometheus: hostile unicode (lone surrogates, NUL, controls, broken and overlong percent-escapes), numbers past every range, prototype keys, mutated valid definitions, broken JSON and wrong content types. ${seconds.toFixed(0)} s in all.`,
    "",
    "| Route | Inputs | Answers | 5xx |",
    "|---|---:|---|---:|",
    ...rows,
    "",
    `Properties checked on every input: no answer of 500 or more; a refused request (4xx) changes no rollout and no operation and writes at most its own audit event; the audit chain verifies at the end. Result: **${passed ? "PASS, 0 violations" : "FAIL (see the run's output)"}**.`,
  ].join("\n");
}

const fuzz: BenchModule = { title: "API fuzzing", run: main };
export default fuzz;
