import { beforeAll, describe, expect, it } from "vitest";
import { expectAuditChainIntact } from "../audit-chain";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { fuzzApi } from "../fuzz/api-fuzz";
import { startKubeForFile } from "../kube";
import { startPrometheusForFile } from "../prometheus";
import { api } from "./client";
import { configureWith } from "../config";

/**
 * A seed-stable sample of the API fuzzing (`npm run fuzz` runs 10,000 inputs or more): no 5xx,
 * refused input writes nothing but its own audit event, and the chain verifies afterwards.
 * FUZZ_RUNS and FUZZ_SEED override the sample.
 */
const kube = startKubeForFile();
const prometheus = startPrometheusForFile();
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

let url: string;
beforeAll(async () => {
  url = await useFreshDatabase();
  configureWith({ AVIARY_PROMETHEUS_URL: prometheus.url }, "prometheus");
});

describe("API fuzzing", () => {
  it(`${RUNS} hostile inputs across every route with input: no 5xx, nothing half-written, chain intact`, async () => {
    const vs = kube.addVirtualService();
    const rollout = await api.create(rolloutInput({ virtualService: vs }));
    expect((await api.act(rollout.body.id as string, { action: "start" })).status).toBe(200);
    const draft = await api.create(rolloutInput({ virtualService: kube.addVirtualService() }));

    const report = await fuzzApi({
      databaseUrl: url,
      target: { rolloutId: rollout.body.id as string, draftId: draft.body.id as string },
      numRuns: RUNS,
      seed: SEED,
    });

    console.log(`fuzz: ${report.runs} inputs (seed ${SEED}); statuses by route: ${JSON.stringify(report.byRoute)}`);
    expect(report.failures).toEqual([]);
    expect(report.runs).toBe(RUNS);
    // Every route was reached, and most of them refused something.
    expect(Object.keys(report.byRoute).length).toBeGreaterThanOrEqual(12);
    await expectAuditChainIntact(url);
  }, 600_000);
});
