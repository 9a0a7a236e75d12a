import { beforeAll, describe, expect, it } from "vitest";
import { appendAuditEvent, listAuditEventsForRollout } from "../db/audit/events";
import type { Db } from "@/lib/db/client";
import { useFreshDatabase } from "../../test/database";
import { appendEvents } from "../../test/chained-events";
import { checkoutRollout, testDeps } from "../../test/metrics-fixtures";
import { startPrometheusForFile } from "../../test/prometheus";
import { setWeightSeries, type AuditEntry } from "../domain/weight-history";
import { createPrometheusClient } from "../prometheus/client";
import { checkoutHistory } from "../prometheus/test-support";
import { getRolloutMetrics } from "./get-rollout-metrics";
import { getDeps } from "../composition/deps";

/*
 * The metrics endpoint is polled every 5 s by every open tab, so it must read the audit events
 * of its window only, however long the rollout's history: here 2,000 events before the 1h window
 * and three inside it. What it draws must not change for reading less.
 */
const END = Math.floor(Date.now() / 60_000) * 60 - 60;
const at = (secondsBeforeEnd: number) => new Date((END - secondsBeforeEnd) * 1000);
const prometheus = startPrometheusForFile({ backfill: () => checkoutHistory({ endSeconds: END }) });

/** The file's database, counting the audit rows each query hands back. */
function countingDb() {
  const db = getDeps().db;
  const read = { rows: 0 };
  const auditEvent = new Proxy(db.auditEvent, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const result = (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
        read.rows += Array.isArray(result) ? result.length : result ? 1 : 0;
        return result;
      };
    },
  });
  const counted = new Proxy(db, { get: (target, key, receiver) => (key === "auditEvent" ? auditEvent : Reflect.get(target, key, receiver)) }) as Db;
  return { db: counted, read };
}

let rolloutId = "";
beforeAll(async () => {
  await useFreshDatabase();
  const deps = testDeps({ prometheus: createPrometheusClient({ baseUrl: prometheus.url }), now: at(0) });
  const rollout = await checkoutRollout({ deps, createdAt: at(7200) });
  rolloutId = rollout.id;
  // 2,000 events between 2h and 1h07 ago: weights alternating 10/20 (the last, 20), then 100 that set none.
  await getDeps().db.$transaction(
    async (tx) => {
      for (let i = 0; i < 2_000; i++) {
        const base = { at: new Date(at(7000).getTime() + i * 1_500), rolloutId, actor: { id: "bulk", email: "bulk@example.com", role: "operator" } };
        if (i < 1_900) {
          await appendAuditEvent(tx, {
            ...base,
            action: "adopt",
            outcome: "success",
            after: { status: "progressing", currentStep: 0, canaryWeight: i % 2 === 0 ? 10 : 20 },
          });
        } else if (i % 3 === 0) {
          await appendAuditEvent(tx, { ...base, action: "promote", outcome: "refused", after: { canaryWeight: 40 } });
        } else {
          // Successful, but no usable weight: the charts ignore these, so must the query.
          await appendAuditEvent(tx, { ...base, action: "edit", outcome: "success", after: i % 3 === 1 ? { name: "checkout" } : { canaryWeight: "30" } });
        }
      }
    },
    { timeout: 120_000 },
  );
  await appendEvents(rolloutId, [
    { at: at(1800), action: "promote", canaryWeight: 50 },
    { at: at(1200), action: "promote", outcome: "refused", reason: "too early" },
    { at: at(600), action: "rollback", canaryWeight: 0 },
  ]);
}, 180_000);

describe("the metrics' audit reads", () => {
  it("read the events inside the window and the last weight set before it, not the whole history", async () => {
    const { db, read } = countingDb();
    const deps = { ...testDeps({ prometheus: createPrometheusClient({ baseUrl: prometheus.url }), now: at(0) }), db };
    const metrics = await getRolloutMetrics(deps, { id: rolloutId, window: "1h" });
    // 3 in the window + the last weight set before it (the 20% at row 1,899): 4 rows, not 2,000+.
    expect(read.rows).toBe(4);

    expect(metrics.split.set[0]?.v).toBe(0.2);
    expect(metrics.split.changes).toEqual([
      { t: at(1800).getTime(), action: "promote", canaryWeight: 50 },
      { t: at(600).getTime(), action: "rollback", canaryWeight: 0 },
    ]);
    expect(metrics.markers.map((m) => [m.t, m.action, m.outcome])).toEqual([
      [at(1800).getTime(), "promote", "success"],
      [at(1200).getTime(), "promote", "refused"],
      [at(600).getTime(), "rollback", "success"],
    ]);

    // The same set-weight line as drawn from the full history.
    const all = (await listAuditEventsForRollout(getDeps().db, rolloutId)).map((e): AuditEntry => ({
      at: e.at,
      action: e.action,
      outcome: e.outcome,
      actor: e.actorId,
      reason: e.reason,
      before: e.before,
      after: e.after,
    }));
    expect(all.length).toBeGreaterThan(2_000);
    const grid = metrics.split.set.map((p) => p.t);
    expect(metrics.split.set).toEqual(setWeightSeries({ entries: all, grid, createdAt: at(7200) }));
  });

  it("read a day's window in full when the history falls inside it", async () => {
    const { db, read } = countingDb();
    const deps = { ...testDeps({ prometheus: createPrometheusClient({ baseUrl: prometheus.url }), now: at(0) }), db };
    const metrics = await getRolloutMetrics(deps, { id: rolloutId, window: "24h" });
    expect(read.rows).toBeGreaterThan(2_000);
    expect(metrics.markers).toHaveLength(100); // MAX_MARKERS: the latest ones
  });
});
