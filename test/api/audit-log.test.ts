import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../database";
import { auditApi } from "./audit-client";
import { seedEvent, seedRollout } from "./audit-seed";

/**
 * The audit log's filters and export against known data: eleven events on three rollouts (and
 * one on none), four actors, three outcomes, spread over Q1/Q2 2026. Each count below can be
 * checked by reading the table in beforeAll.
 */

let ids: Record<"v2" | "hotfix" | "checkout", string>;
const events: string[] = [];

beforeAll(async () => {
  await useFreshDatabase();
  const v2 = await seedRollout({ name: "search-v2", namespace: "search", virtualService: "search" });
  const hotfix = await seedRollout({ name: "search-hotfix", namespace: "search", virtualService: "search" });
  const checkout = await seedRollout({ name: "checkout-v7", namespace: "shop", virtualService: "checkout" });
  ids = { v2: v2.id, hotfix: hotfix.id, checkout: checkout.id };
  const w = (canaryWeight: number, status = "progressing") => ({ status, currentStep: 0, canaryWeight });
  const seeded = [
    /* 1 */ { rolloutId: v2.id, action: "create", actor: "alice", outcome: "success", at: "2026-01-05T09:00:00Z" },
    /* 2 */ {
      rolloutId: v2.id,
      action: "start",
      actor: "alice",
      outcome: "success",
      at: "2026-01-06T10:00:00Z",
      reason: "begin canary",
      before: w(0, "draft"),
      after: w(5),
    },
    /* 3 */ {
      rolloutId: v2.id,
      action: "promote",
      actor: "bob",
      outcome: "success",
      at: "2026-01-07T11:00:00Z",
      reason: "metrics calm",
      before: w(5),
      after: w(25),
    },
    /* 4 */ {
      rolloutId: v2.id,
      action: "promote_full",
      actor: "bob",
      outcome: "success",
      at: "2026-02-10T12:00:00Z",
      reason: 'Ship it at 100%, "finally"',
      before: w(25),
      after: w(100, "promoted"),
    },
    /* 5 */ { rolloutId: hotfix.id, action: "create", actor: "carol", outcome: "success", at: "2026-03-31T22:30:00Z" },
    /* 6 */ {
      rolloutId: hotfix.id,
      action: "start",
      actor: "carol",
      outcome: "failed",
      at: "2026-04-01T08:00:00Z",
      error: { code: "KUBE_UNAVAILABLE", message: "cluster unreachable, retry later" },
    },
    /* 7 */ {
      rolloutId: hotfix.id,
      action: "rollback",
      actor: "alice",
      outcome: "refused",
      at: "2026-04-02T09:00:00Z",
      reason: '=HYPERLINK("http://evil.example","click")',
      error: { code: "INVALID_STATE", message: "rollback is not possible while the rollout is draft" },
    },
    /* 8 */ { rolloutId: checkout.id, action: "create", actor: "bob", outcome: "success", at: "2026-04-15T10:00:00Z" },
    /* 9 */ {
      rolloutId: checkout.id,
      action: "start",
      actor: "bob",
      outcome: "success",
      at: "2026-04-15T10:05:00Z",
      reason: "line one\nline two, with comma",
      before: w(0, "draft"),
      after: w(5),
    },
    /* 10 */ {
      rolloutId: checkout.id,
      action: "rollback",
      actor: "alice",
      outcome: "success",
      at: "2026-04-15T10:30:00Z",
      reason: "-5% error budget burn @ checkout",
      before: w(5),
      after: w(0, "rolled_back"),
    },
    /* 11 */ {
      rolloutId: null,
      action: "promote",
      actor: { id: "svc-ci", email: null, role: "operator" },
      outcome: "refused",
      at: "2026-04-16T00:00:00Z",
      error: { code: "NOT_FOUND", message: 'no rollout with id "6f1c1a52"' },
    },
  ] as const;
  for (const event of seeded) events.push((await seedEvent({ ...event })).id.toString());
});

async function count(query: string): Promise<number> {
  const { status, body } = await auditApi.list(query);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.events.length;
}

/** Ids of the matching events as numbers 1..11 (their order in the seed table). */
async function matching(query: string): Promise<number[]> {
  const { body } = await auditApi.list(query);
  return (body.events as { id: string }[]).map((e) => events.indexOf(e.id) + 1).sort((a, b) => a - b);
}

describe("audit log filters", () => {
  it("lists everything, newest first, with the rollout's name and service", async () => {
    const { body } = await auditApi.list();
    expect(body.events.map((e: { id: string }) => e.id)).toEqual([...events].reverse());
    expect(body.nextCursor).toBeNull();
    const rollback = body.events.find((e: { id: string }) => e.id === events[9]);
    expect(rollback).toMatchObject({
      action: "rollback",
      outcome: "success",
      actor: { id: "u-alice", email: "alice@example.com" },
      rollout: { name: "checkout-v7", namespace: "shop", virtualService: "checkout" },
      before: { canaryWeight: 5 },
      after: { canaryWeight: 0, status: "rolled_back" },
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it.each([
    ["?action=create", [1, 5, 8]],
    ["?action=promote,promote_full", [3, 4, 11]],
    ["?outcome=refused", [7, 11]],
    ["?outcome=failed", [6]],
    ["?outcome=success", [1, 2, 3, 4, 5, 8, 9, 10]],
    ["?actor=u-alice", [1, 2, 7, 10]],
    ["?actor=alice@example.com", [1, 2, 7, 10]],
    ["?actor=alice", []],
    ["?actor=svc-ci", [11]],
    ["?namespace=search", [1, 2, 3, 4, 5, 6, 7]],
    ["?service=checkout", [8, 9, 10]],
    ["?namespace=search&service=checkout", []],
    ["?rollout=search-hotfix", [5, 6, 7]],
    ["?from=2026-04-01", [6, 7, 8, 9, 10, 11]],
    ["?from=2026-04-01&tz=Europe/Berlin", [5, 6, 7, 8, 9, 10, 11]],
    ["?to=2026-03-31", [1, 2, 3, 4, 5]],
    ["?to=2026-03-31&tz=Europe/Berlin", [1, 2, 3, 4]],
    ["?from=2026-04-15&to=2026-04-15", [8, 9, 10]],
    ["?from=2026-04-15T10:05&to=2026-04-15T10:05", [9]],
    ["?from=2026-04-15T10:05:00Z&to=2026-04-15T10:30:00Z", [9, 10]],
    ["?q=calm", [3]],
    ["?q=CLUSTER", [6]],
    ["?q=bob", [3, 4, 8, 9]],
    ["?q=hotfix", [5, 6, 7]],
    ["?q=search", [1, 2, 3, 4, 5, 6, 7]],
    ["?q=rollback", [7]],
    ["?q=100%25", [4]],
    ["?q=5%25%20e", [10]],
    ["?q=it_at", []],
    ["?q=it%20at", [4]],
    ["?q=%20&actor=", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ])("%s", async (query, expected) => {
    expect(await matching(query)).toEqual(expected);
  });

  it("combines filters: who promoted search fully in Q1, and why", async () => {
    const { body } = await auditApi.list("?namespace=search&action=promote_full&from=2026-01-01&to=2026-03-31");
    expect(body.events).toHaveLength(1);
    expect(body.events[0]).toMatchObject({ actor: { email: "bob@example.com" }, reason: 'Ship it at 100%, "finally"' });
    expect(await matching("?actor=u-alice&outcome=success")).toEqual([1, 2, 10]);
    expect(await matching(`?rollout=${ids.v2}&action=promote,promote_full&actor=bob@example.com`)).toEqual([3, 4]);
    expect(await matching(`?rollout=${ids.checkout.toUpperCase()}&q=comma`)).toEqual([9]);
    expect(await matching("?q=search&outcome=refused&from=2026-04-02&to=2026-04-02")).toEqual([7]);
    expect(await count("?service=search&actor=u-carol&outcome=failed")).toBe(1);
  });

  it("names every bad field at once", async () => {
    const { status, body } = await auditApi.list("?from=2026-02-30&outcome=maybe&tz=Mars/Olympus&cursor=x");
    expect(status).toBe(400);
    expect(Object.keys(body.error.fields).sort()).toEqual(["cursor", "from", "outcome", "tz"]);
    const dates = await auditApi.list("?from=2026-02-30&outcome=maybe");
    expect(Object.keys(dates.body.error.fields).sort()).toEqual(["from", "outcome"]);
  });

  it("names the bad field in a 400", async () => {
    const cases: [string, string][] = [
      ["?from=2026-02-30", "from"],
      ["?from=yesterday", "from"],
      ["?to=2026-01-01&from=2026-02-01", "to"],
      ["?outcome=maybe", "outcome"],
      ["?tz=Mars/Olympus", "tz"],
      ["?limit=0", "limit"],
      ["?limit=abc", "limit"],
      ["?cursor=garbage", "cursor"],
      ["?action=DROP%20TABLE", "action"],
      ["?rollout=Not%20A%20Name", "rollout"],
      ["?q=ab", "q"],
      ["?colour=red", "colour"],
    ];
    for (const [query, field] of cases) {
      const { status, body } = await auditApi.list(query);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe("VALIDATION");
      expect(Object.keys(body.error.fields), query).toEqual([field]);
      expect(body.error.message).toContain(field);
    }
  });
});

const cursorOf = (parts: unknown) => Buffer.from(JSON.stringify(parts), "utf8").toString("base64url");

/** Input that once reached PostgreSQL and came back as a 500: NUL, bigint overflow, out-of-range dates. */
const HOSTILE_COMMON: [string, string][] = [
  ["?q=a%00b", "q"],
  ["?q=abc%07def", "q"],
  ["?q=abc%C2%85def", "q"], // NEL, a C1 control
  ["?q=ab%ED%A0%80c", "q"], // a UTF-16 surrogate in (invalid) UTF-8
  ["?q=ab%FFc", "q"], // not UTF-8 at all
  ["?q=abc%", "q"], // a bare %
  ["?actor=%00", "actor"],
  ["?actor=alice%0Abob", "actor"],
  ["?actor=%ED%B0%80", "actor"],
  ["?namespace=se%00arch", "namespace"],
  ["?service=search%1B", "service"],
  ["?tz=Europe%2FBerlin%00", "tz"],
  [`?tz=${"A".repeat(5000)}`, "tz"],
  [`?actor=${"a".repeat(321)}`, "actor"],
  ["?from=2026-01-01%00", "from"],
  ["?from=0000-01-01", "from"],
  ["?to=-271821-04-20", "to"],
  [`?cursor=${"A".repeat(201)}`, "cursor"],
  [`?cursor=${cursorOf([-8.64e15, "1"])}`, "cursor"],
  [`?cursor=${cursorOf([8.64e15, "1"])}`, "cursor"],
];

describe("hostile input", () => {
  it("answers 400 naming the field, never 500", async () => {
    const cases: [string, string][] = [
      ...HOSTILE_COMMON,
      // past bigint's range: 2^63 - 1 is 9223372036854775807
      [`?cursor=${cursorOf([1700000000000, "9999999999999999999"])}`, "cursor"],
      [`?cursor=${cursorOf([1700000000000, "9223372036854775808"])}`, "cursor"],
      ["?rollout=search%00", "rollout"],
      ["?action=promote%00", "action"],
      [`?action=${Array.from({ length: 500 }, () => "promote").join(",")}`, "action"],
      [`?outcome=${Array.from({ length: 500 }, () => "success").join(",")}`, "outcome"],
    ];
    for (const [query, field] of cases) {
      const { status, body } = await auditApi.list(query);
      expect(status, `${query.slice(0, 80)}: ${JSON.stringify(body).slice(0, 200)}`).toBe(400);
      expect(body.error.code).toBe("VALIDATION");
      expect(Object.keys(body.error.fields), query.slice(0, 80)).toEqual([field]);
    }
  });

  it("still takes the extremes that are valid", async () => {
    expect(await count(`?cursor=${cursorOf([1700000000000, "9223372036854775807"])}&limit=1`)).toBe(0);
    expect(await count(`?cursor=${cursorOf([Date.parse("9999-12-31T23:59:59Z"), "1"])}&limit=200`)).toBe(11);
    expect(await count("?from=1970-01-01&to=9999-12-31&tz=Pacific/Kiritimati")).toBe(11);
    expect(await count("?q=%E2%9C%93%F0%9F%9A%80caf%C3%A9")).toBe(0); // ✓🚀café: well-formed, just absent
    expect(await count("?q=line%20one")).toBe(1);
  });

  it("refuses the same input on the export before streaming", async () => {
    // the export ignores cursor and limit: it always runs from the newest event to the oldest
    const filters = HOSTILE_COMMON.filter(([, field]) => field !== "cursor");
    for (const [query, field] of [...filters, ["?format=csv%00", "format"]] as [string, string][]) {
      const response = await auditApi.export(query);
      expect(response.status, query.slice(0, 80)).toBe(400);
      const body = (await response.json()) as { error: { code: string; fields: Record<string, string> } };
      expect(Object.keys(body.error.fields), query.slice(0, 80)).toEqual([field]);
    }
  });
});

/** A minimal RFC 4180 reader, so the test does not trust the writer's own logic. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted && char === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && char === '"') {
      quoted = false;
    } else if (quoted) {
      field += char;
    } else if (char === '"') {
      quoted = true;
    } else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else {
      field += char;
    }
  }
  if (field !== "" || row.length > 0) throw new Error("CSV does not end with CRLF");
  return rows;
}

describe("export", () => {
  it("streams the filtered view as CSV with safe escaping", async () => {
    const response = await auditApi.export("?format=csv&namespace=search");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="aviary-audit-[\dT\-Z]+\.csv"$/);
    const rows = parseCsv(await response.text());
    const [header, ...data] = rows;
    expect(header?.slice(0, 4)).toEqual(["id", "at_utc", "rollout_id", "rollout_name"]);
    expect(data).toHaveLength(7);
    const column = (name: string) => header?.indexOf(name) ?? -1;
    expect(data.map((row) => row[0])).toEqual(events.slice(0, 7).reverse());
    const byId = (n: number) => data.find((row) => row[0] === events[n - 1]) ?? [];
    expect(byId(4)[column("reason")]).toBe('Ship it at 100%, "finally"');
    expect(byId(4)[column("canary_weight_before_pct")]).toBe("25");
    expect(byId(4)[column("stable_weight_after_pct")]).toBe("0");
    expect(byId(7)[column("reason")]).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(byId(7)[column("error_message")]).toBe("rollback is not possible while the rollout is draft");
  });

  it("keeps line breaks inside fields and neutralises a leading minus in text", async () => {
    const text = await (await auditApi.export("?service=checkout")).text();
    const rows = parseCsv(text).slice(1);
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.length === 29)).toBe(true); // 28 columns, then repeat_count (folded refusals) at the end
    const reasons = rows.map((row) => row[12]);
    expect(reasons).toContain("line one\nline two, with comma");
    expect(reasons).toContain("'-5% error budget burn @ checkout");
    expect(await (await auditApi.export("?q=zzz-no-match")).text()).toBe(parseCsvHeaderLine(text));
  });

  it("exports the same events as JSON", async () => {
    const response = await auditApi.export("?format=json&actor=u-alice");
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await response.json()) as { filters: Record<string, string>; events: { id: string; rollout: unknown }[] };
    expect(body.filters).toEqual({ actor: "u-alice" });
    expect(body.events.map((e) => e.id)).toEqual([events[9], events[6], events[1], events[0]]);
    const empty = (await (await auditApi.export("?format=json&q=zzz-no-match")).json()) as { events: unknown[] };
    expect(empty.events).toEqual([]);
  });

  it("refuses a bad format or filter before streaming anything", async () => {
    const bad = await auditApi.export("?format=xlsx");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: object } }).error.fields).toEqual({ format: "format must be csv or json" });
    const badFilter = await auditApi.export("?format=csv&from=2026-13-01");
    expect(badFilter.status).toBe(400);
  });
});

function parseCsvHeaderLine(text: string): string {
  return text.slice(0, text.indexOf("\r\n") + 2);
}
