import { beforeAll, describe, expect, it } from "vitest";
import { appendAuditEvent } from "@/lib/db/audit/events";
import { useFreshDatabase } from "../database";
import { allPages, auditApi } from "./audit-client";
import { seedEvent, seedRollout } from "./audit-seed";
import { getDeps } from "@/lib/composition/deps";

/** Cursor pagination visits every event exactly once, ties in time and concurrent appends included. */

let rolloutId: string;
const seeded: string[] = [];

beforeAll(async () => {
  await useFreshDatabase();
  rolloutId = (await seedRollout({ name: "pager" })).id;
  // 25 events at 5 distinct instants: pages must break ties by id, not skip or repeat.
  for (let i = 0; i < 25; i++) {
    const at = `2026-05-0${1 + Math.floor(i / 5)}T12:00:00.000Z`;
    const event = await seedEvent({ rolloutId, action: i % 2 ? "pause" : "resume", actor: "pager", outcome: "success", at, reason: `step ${i}` });
    seeded.push(event.id.toString());
  }
});

describe("cursor pagination", () => {
  it.each([1, 2, 3, 4, 7, 25, 200])("limit %i returns each event exactly once, newest first", async (limit) => {
    const { ids, pages } = await allPages("actor=u-pager", limit);
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
    expect(pages).toBe(Math.max(1, Math.ceil(25 / limit)));
    // Newest instant first; within one instant, the higher id first.
    const expected = [...seeded].sort((a, b) => {
      const day = (id: string) => Math.floor(seeded.indexOf(id) / 5);
      return day(b) - day(a) || Number(BigInt(b) - BigInt(a));
    });
    expect(ids).toEqual(expected);
  });

  it("pages with filters too, and the last page says so", async () => {
    const { ids } = await allPages("actor=u-pager&action=pause&q=step", 4);
    expect(ids).toHaveLength(12);
    const { body } = await auditApi.list("?actor=u-pager&limit=25");
    expect(body.nextCursor).toBeNull();
  });

  it("is not disturbed by events appended while paging", async () => {
    const first = await auditApi.list("?actor=u-pager&limit=10");
    await seedEvent({ rolloutId, action: "pause", actor: "pager", outcome: "success", at: new Date().toISOString(), reason: "late" });
    const seen: string[] = first.body.events.map((e: { id: string }) => e.id);
    let cursor = first.body.nextCursor as string | null;
    while (cursor) {
      const page = await auditApi.list(`?actor=u-pager&limit=10&cursor=${cursor}`);
      seen.push(...page.body.events.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
    }
    expect(seen.sort()).toEqual([...seeded].sort());
  });
});

describe("export across many batches", () => {
  it("streams 2,500 events in CSV and JSON, each exactly once", { timeout: 120_000 }, async () => {
    const base = Date.parse("2025-01-01T00:00:00Z");
    // Through the real append path, in one transaction: the database refuses events not linked to the chain's head.
    await getDeps().db.$transaction(
      async (tx) => {
        for (let i = 0; i < 2_500; i++) {
          const at = new Date(base + Math.floor(i / 3) * 1_000);
          await appendAuditEvent(tx, { at, rolloutId, actor: { id: "bulk" }, action: "promote", outcome: "success", reason: `bulk, "${i}"` });
        }
      },
      { timeout: 120_000 },
    );
    const response = await auditApi.export("?actor=bulk");
    const reader = response.body!.getReader();
    let chunks = 0;
    let text = "";
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      text += decoder.decode(value, { stream: true });
    }
    const lines = text.split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(2_501);
    expect(new Set(lines.slice(1).map((line) => line.split(",")[0])).size).toBe(2_500);
    // The header, then one chunk per database batch of 1,000.
    expect(chunks).toBe(4);

    const json = (await (await auditApi.export("?actor=bulk&format=json")).json()) as { events: { id: string; reason: string }[] };
    expect(json.events).toHaveLength(2_500);
    expect(new Set(json.events.map((e) => e.id)).size).toBe(2_500);
    expect(json.events.at(-1)?.reason).toBe('bulk, "0"');
  });
});
