import { beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/server/verify-audit-chain";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { api } from "./client";
import { auditApi } from "./audit-client";
import { seedEvent, seedRollout } from "./audit-seed";
import { getDeps } from "@/lib/composition/deps";

/** The rollout history's filters, its pagination, and retention: archiving deletes nothing. */

const names: Record<string, string> = {};

beforeAll(async () => {
  await useFreshDatabase();
  const seed = async (key: string, overrides: Record<string, unknown>, status?: Parameters<typeof seedRollout>[1]) => {
    const rollout = await seedRollout({ name: key, ...overrides }, status);
    names[key] = rollout.id;
    return rollout.id;
  };
  const search1 = await seed("search-v2", { namespace: "search", virtualService: "search" }, "promoted");
  const search2 = await seed("search-v3", { namespace: "search", virtualService: "search" }, "rolled_back");
  const search3 = await seed("search-ranker", { namespace: "search", virtualService: "ranker" }, "archived");
  const shop = await seed("checkout-v7", { namespace: "shop", virtualService: "checkout" }, "progressing");
  await seed("payments-draft", { namespace: "pay", virtualService: "payments" });
  await seedEvent({ rolloutId: search1, action: "create", actor: "alice", outcome: "success", at: "2026-01-10T09:00:00Z" });
  await seedEvent({
    rolloutId: search1,
    action: "promote_full",
    actor: "bob",
    outcome: "success",
    at: "2026-02-10T09:00:00Z",
    reason: "quarterly ranking change",
  });
  await seedEvent({ rolloutId: search2, action: "create", actor: "alice", outcome: "success", at: "2026-04-03T09:00:00Z" });
  await seedEvent({ rolloutId: search2, action: "rollback", actor: "carol", outcome: "success", at: "2026-04-04T09:00:00Z", reason: "latency regression" });
  await seedEvent({ rolloutId: search3, action: "create", actor: "bob", outcome: "success", at: "2025-12-01T09:00:00Z" });
  await seedEvent({ rolloutId: shop, action: "create", actor: "carol", outcome: "success", at: "2026-04-05T09:00:00Z" });
  await seedEvent({ rolloutId: shop, action: "start", actor: "carol", outcome: "success", at: "2026-04-05T10:00:00Z", reason: "ranking unrelated, begin" });
});

async function history(query: string): Promise<string[]> {
  const { status, body } = await auditApi.history(query);
  expect(status, JSON.stringify(body)).toBe(200);
  return (body.rollouts as { name: string }[]).map((r) => r.name).sort();
}

describe("history filters", () => {
  it("lists every rollout, archived and drafts included, with its latest event", async () => {
    expect(await history("")).toEqual(["checkout-v7", "payments-draft", "search-ranker", "search-v2", "search-v3"]);
    const { body } = await auditApi.history("?namespace=shop");
    expect(body.rollouts[0]).toMatchObject({
      name: "checkout-v7",
      status: "progressing",
      eventCount: 2,
      lastEvent: { action: "start", actor: { id: "u-carol", email: "carol@example.com" }, at: "2026-04-05T10:00:00.000Z" },
    });
  });

  it.each([
    ["?namespace=search", ["search-ranker", "search-v2", "search-v3"]],
    ["?service=search", ["search-v2", "search-v3"]],
    ["?namespace=search&service=ranker", ["search-ranker"]],
    ["?status=archived", ["search-ranker"]],
    ["?status=promoted,rolled_back", ["search-v2", "search-v3"]],
    ["?status=draft", ["payments-draft"]],
    ["?actor=u-bob", ["search-ranker", "search-v2"]],
    ["?actor=carol@example.com", ["checkout-v7", "search-v3"]],
    ["?from=2026-04-01", ["checkout-v7", "search-v3"]],
    ["?to=2025-12-31", ["search-ranker"]],
    ["?from=2026-01-01&to=2026-03-31", ["search-v2"]],
    ["?actor=u-alice&from=2026-04-01", ["search-v3"]],
    ["?actor=u-bob&from=2026-04-01", []],
    ["?q=ranker", ["search-ranker"]],
    ["?q=ranking", ["checkout-v7", "search-v2"]],
    ["?q=LATENCY", ["search-v3"]],
    ["?q=search&status=promoted", ["search-v2"]],
    ["?service=search&from=2026-01-01&to=2026-03-31&q=quarterly", ["search-v2"]],
  ])("%s", async (query, expected) => {
    expect(await history(query)).toEqual(expected);
  });

  it("pages through every rollout exactly once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { body } = await auditApi.history(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...body.rollouts.map((r: { id: string }) => r.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(Object.values(names).sort());
  });

  it("names the bad field", async () => {
    for (const [query, field] of [
      ["?status=gone", "status"],
      ["?from=2026-1-1", "from"],
      ["?cursor=abc", "cursor"],
      ["?action=start", "action"],
    ] as const) {
      const { status, body } = await auditApi.history(query);
      expect(status, query).toBe(400);
      expect(Object.keys(body.error.fields)).toEqual([field]);
    }
  });
});

describe("hostile input", () => {
  const cursorOf = (parts: unknown) => Buffer.from(JSON.stringify(parts), "utf8").toString("base64url");
  const ROLLOUT_ID = "6f1c1a52-0a6b-4d36-9d47-2f0b5a0e0c11";

  it("answers 400 naming the field, never 500", async () => {
    const cases: [string, string][] = [
      ["?q=a%00b", "q"],
      ["?q=ab%ED%A0%80c", "q"],
      ["?q=abc%C2%9Bdef", "q"],
      ["?actor=%00", "actor"],
      ["?actor=%ED%A0%80", "actor"],
      ["?namespace=%00", "namespace"],
      ["?service=a%7Fb", "service"],
      ["?tz=UTC%00", "tz"],
      [`?status=${Array.from({ length: 500 }, () => "draft").join(",")}`, "status"],
      [`?cursor=${cursorOf([-8.64e15, ROLLOUT_ID])}`, "cursor"],
      [`?cursor=${cursorOf([8.64e15, ROLLOUT_ID])}`, "cursor"],
      [`?cursor=${cursorOf([1700000000000, `${ROLLOUT_ID}\u0000`])}`, "cursor"],
    ];
    for (const [query, field] of cases) {
      const { status, body } = await auditApi.history(query);
      expect(status, `${query.slice(0, 80)}: ${JSON.stringify(body).slice(0, 200)}`).toBe(400);
      expect(body.error.code).toBe("VALIDATION");
      expect(Object.keys(body.error.fields), query.slice(0, 80)).toEqual([field]);
    }
  });

  it("still takes the extremes that are valid", async () => {
    expect(await history(`?cursor=${cursorOf([Date.parse("9999-12-31T23:59:59Z"), ROLLOUT_ID])}`)).toHaveLength(5);
    expect(await history("?from=1970-01-01&to=9999-12-31&tz=Etc/GMT-14")).toHaveLength(4);
  });
});

describe("retention", () => {
  it("archiving a rollout keeps every event of it, and its row cannot be deleted", async () => {
    const created = await api.create(rolloutInput({ name: "retained" }));
    const id = created.body.id as string;
    await api.patch(id, { steps: [{ weight: 10 }, { weight: 100 }] });
    const before = await getDeps().db.auditEvent.findMany({ where: { rolloutId: id }, orderBy: { id: "asc" } });
    expect(before.map((e) => e.action)).toEqual(["create", "update"]);

    expect((await api.archive(id)).status).toBe(200);
    const after = await getDeps().db.auditEvent.findMany({ where: { rolloutId: id }, orderBy: { id: "asc" } });
    expect(after.map((e) => e.action)).toEqual(["create", "update", "archive"]);
    expect(after.slice(0, 2)).toEqual(before);

    const listed = await auditApi.list(`?rollout=${id}`);
    expect(listed.body.events).toHaveLength(3);
    expect(await history("?status=archived")).toContain("retained");
    // The foreign key is ON DELETE RESTRICT: the rollout row cannot go while it has events.
    await expect(getDeps().db.rollout.delete({ where: { id } })).rejects.toThrow();
    expect(await getDeps().db.auditEvent.count({ where: { rolloutId: id } })).toBe(3);
  });

  it("the whole log written through the API still verifies", async () => {
    const report = await verifyAuditChain({ audit: getDeps().audit });
    expect(report, JSON.stringify(report)).toMatchObject({ ok: true });
  });
});
