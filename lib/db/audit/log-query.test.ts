import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../../../test/database";
import { seedEvent, seedRollout } from "../../../test/api/audit-seed";
import type { AuditLogFilter } from "../../domain/audit/log-filter";
import { findAuditLogEntries, type TextSearchTuning } from "./log-query";
import { getDeps } from "@/lib/composition/deps";

/**
 * Text search picks one of three plans by how common the term is. Whatever the plan, the page
 * must be the same: forced through each with tiny budgets, they must agree with each other.
 */
const STRATEGIES: Record<string, TextSearchTuning> = {
  "newest candidates": { walkBudget: 1_000, probeLimit: 1_000 },
  "probe lists the matches": { walkBudget: 1, probeLimit: 1_000 },
  "full walk (too many to list)": { walkBudget: 1, probeLimit: 1 },
};

beforeAll(async () => {
  await useFreshDatabase();
  const a = await seedRollout({ name: "alpha-search" });
  const b = await seedRollout({ name: "beta" });
  for (let i = 0; i < 40; i++) {
    await seedEvent({
      rolloutId: i % 3 === 0 ? a.id : b.id,
      action: "promote",
      actor: i % 4 === 0 ? "searcher" : "other",
      outcome: i % 5 === 0 ? "failed" : "success",
      at: `2026-06-01T00:${String(i % 20).padStart(2, "0")}:00Z`,
      reason: i % 2 === 0 ? `even ${i} latency` : `odd ${i}`,
      ...(i % 5 === 0 ? { error: { code: "KUBE_UNAVAILABLE", message: "search timed out" } } : {}),
    });
  }
});

async function pages(filter: AuditLogFilter, tuning: TextSearchTuning, limit: number): Promise<string[][]> {
  const result: string[][] = [];
  let after = null;
  for (;;) {
    const page = await findAuditLogEntries(getDeps().audit, { filter, after, limit }, tuning);
    result.push(page.map((entry) => entry.id.toString()));
    const last = page.at(-1);
    if (page.length < limit || !last) return result;
    after = { at: last.at, id: last.id };
  }
}

// The seed as plain data, to count the expected matches independently of SQL.
const seeded = Array.from({ length: 40 }, (_, i) => ({
  text: [
    i % 3 === 0 ? "alpha-search" : "beta",
    i % 4 === 0 ? "u-searcher searcher@example.com" : "u-other other@example.com",
    i % 5 === 0 ? "search timed out" : "",
    i % 2 === 0 ? `even ${i} latency` : `odd ${i}`,
  ].join("|"),
  outcome: i % 5 === 0 ? "failed" : "success",
}));
const expected = (q: string, outcome?: string) => seeded.filter((e) => e.text.includes(q) && (!outcome || e.outcome === outcome)).length;

describe.each<[string, AuditLogFilter, number]>([
  ["latency", {}, expected("latency")],
  ["search", {}, expected("search")],
  ["search", { outcomes: ["success"] }, expected("search", "success")],
  ["odd 1", { actions: ["promote"] }, expected("odd 1")],
  ["nothing-matches", {}, 0],
])("q=%s %j", (q, extra, count) => {
  it("gives the same pages through every plan", async () => {
    const results = await Promise.all(Object.values(STRATEGIES).map((tuning) => pages({ q, ...extra }, tuning, 3)));
    for (const other of results.slice(1)) expect(other).toEqual(results[0]);
    const all = results[0]!.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(count);
  });
});
