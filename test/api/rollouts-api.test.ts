import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { api } from "./client";
import { getDeps } from "@/lib/composition/deps";

beforeAll(async () => {
  await useFreshDatabase();
});

async function counts() {
  const db = getDeps().db;
  return { rollouts: await db.rollout.count(), events: await db.auditEvent.count() };
}

describe("rollouts API", () => {
  it("creates, reads, lists, edits and archives a rollout, auditing each change", async () => {
    const input = rolloutInput();
    const created = await api.create(input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: input.name,
      cluster: "default",
      status: "draft",
      currentStep: null,
      canaryWeight: 0,
      stableWeight: 100,
      revision: 1,
      metrics: input.metrics,
    });
    const id = created.body.id as string;

    expect((await api.get(id)).body).toEqual(created.body);
    expect((await api.list()).body.rollouts.map((r: { id: string }) => r.id)).toContain(id);

    const edited = await api.patch(id, { steps: [{ weight: 10 }, { weight: 100 }], expectedRevision: 1 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ revision: 2, steps: [{ weight: 10 }, { weight: 100 }], name: input.name });

    const stale = await api.patch(id, { route: "other", expectedRevision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("CONFLICT");

    const archived = await api.archive(id);
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ status: "archived", revision: 3 });
    expect(archived.body.archivedAt).toEqual(expect.any(String));
    expect((await api.list()).body.rollouts.map((r: { id: string }) => r.id)).not.toContain(id);
    expect((await api.list("?includeArchived=true")).body.rollouts.map((r: { id: string }) => r.id)).toContain(id);
    expect((await api.get(id)).status).toBe(200);

    const events = await getDeps().db.auditEvent.findMany({ where: { rolloutId: id }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ["create", "success"],
      ["update", "success"],
      ["archive", "success"],
    ]);
    expect(events[1]?.before).toMatchObject({ steps: input.steps });
    expect(events[1]?.after).toMatchObject({ steps: [{ weight: 10 }, { weight: 100 }] });
  });

  it("refuses editing once a rollout is no longer a draft, and cannot erase history", async () => {
    const { body } = await api.create(rolloutInput());
    await getDeps().db.rollout.update({ where: { id: body.id }, data: { status: "progressing", currentStep: 0, canaryWeight: 5 } });
    const edit = await api.patch(body.id, { route: "other" });
    expect(edit.status).toBe(422);
    expect(edit.body.error).toMatchObject({ code: "INVALID_STATE", message: expect.stringContaining("only a draft") });
    const archive = await api.archive(body.id);
    expect(archive.status).toBe(422);
    expect(archive.body.error.message).toContain("roll it back or promote it fully");
  });

  it("answers 404 for unknown and malformed ids", async () => {
    for (const id of ["6f1c1a52-0a6b-4d36-9d47-2f0b5a0e0c11", "not-a-uuid", "'; DROP TABLE rollouts;--"]) {
      const { status, body } = await api.get(id);
      expect(status).toBe(404);
      expect(body.error.code).toBe("NOT_FOUND");
      expect((await api.patch(id, { route: "x" })).status).toBe(404);
      expect((await api.archive(id)).status).toBe(404);
    }
  });

  it("refuses a second rollout with the same name in the same namespace", async () => {
    const input = rolloutInput();
    expect((await api.create(input)).status).toBe(201);
    const before = await counts();
    const again = await api.create(input);
    expect(again.status).toBe(409);
    expect(again.body.error.fields.name).toContain("already exists");
    expect(await counts()).toEqual(before);
  });

  it("refuses renaming a draft onto a name already taken, naming the field (409, never a 500), and writes nothing", async () => {
    const taken = rolloutInput();
    expect((await api.create(taken)).status).toBe(201);
    const { body: other } = await api.create(rolloutInput());
    const before = await counts();
    const renamed = await api.patch(other.id, { name: taken.name });
    expect(renamed.status).toBe(409);
    expect(renamed.body.error).toMatchObject({ code: "CONFLICT", fields: { name: expect.stringContaining("already exists") } });
    expect(await counts()).toEqual(before);
  });
});

describe("bad input writes nothing", () => {
  const cases: [string, () => ReturnType<typeof api.create>, number, string | null][] = [
    ["wrong types", () => api.create(rolloutInput({ steps: "5,25", slo: { availability: "high", latencyP95Ms: 300 } })), 400, "steps"],
    ["unknown fields", () => api.create(rolloutInput({ owner: "me" })), 400, "owner"],
    ["weights not increasing", () => api.create(rolloutInput({ steps: [{ weight: 50 }, { weight: 25 }] })), 400, "steps.1.weight"],
    ["weight 0", () => api.create(rolloutInput({ steps: [{ weight: 0 }] })), 400, "steps.0.weight"],
    ["weight 101", () => api.create(rolloutInput({ steps: [{ weight: 101 }] })), 400, "steps.0.weight"],
    ["500 steps", () => api.create(rolloutInput({ steps: Array.from({ length: 500 }, (_, i) => ({ weight: (i % 100) + 1 })) })), 400, "steps"],
    ["a 1 MB name", () => api.create(rolloutInput({ name: "a".repeat(1_000_000) })), 413, null],
    ["invalid JSON", () => api.create(undefined, { rawBody: '{"name": "x",' }), 400, null],
    ["an empty body", () => api.create(undefined, { rawBody: "" }), 400, null],
    ["a JSON array", () => api.create([rolloutInput()]), 400, "(body)"],
    ["wrong content type", () => api.create(undefined, { rawBody: "name=x", contentType: "application/x-www-form-urlencoded" }), 415, null],
    ["no content type", () => api.create(rolloutInput(), { contentType: null }), 415, null],
  ];

  it.each(cases)("%s", async (_label, send, status, field) => {
    const before = await counts();
    const { status: got, body } = await send();
    expect(got).toBe(status);
    expect(body.error.code).toEqual(expect.any(String));
    expect(body.error.message).toEqual(expect.any(String));
    if (field) expect(Object.keys(body.error.fields)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it("names each bad field at once", async () => {
    const { body } = await api.create(rolloutInput({ name: "Bad Name", namespace: "", steps: [{ weight: 0 }] }));
    expect(Object.keys(body.error.fields).sort()).toEqual(["name", "namespace", "steps.0.weight"]);
  });

  it("a bad edit leaves the rollout as it was", async () => {
    const { body: created } = await api.create(rolloutInput());
    const before = await counts();
    const bad = await api.patch(created.id, { steps: [{ weight: 30 }, { weight: 20 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields["steps.1.weight"]).toContain("strictly increasing");
    expect((await api.patch(created.id, { revision: 9 })).body.error.fields.revision).toContain("unknown field");
    expect((await api.get(created.id)).body).toEqual(created);
    expect(await counts()).toEqual(before);
  });

  it("rejects unknown list filters by name", async () => {
    const { status, body } = await api.list("?status=exploded");
    expect(status).toBe(400);
    expect(body.error.fields.status).toContain("must be one of");
  });
});
