import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/domain/actor";
import { actOnRollout } from "@/lib/server/act-on-rollout";
import { tickChecklistItem } from "@/lib/server/approvals/tick-checklist-item";
import { getDeps } from "@/lib/composition/deps";
import { expectAuditChainIntact } from "../audit-chain";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { api } from "../api/client";
import { startCheckServer } from "./check-server";
import { approvalsApi } from "./client";
import { allowLoopbackEgress } from "../egress";

/**
 * Approvals and freeze windows through the real route handlers, a real database, the sandbox
 * Kubernetes API and local HTTP services for the checks (one up, one failing, one down, one slow).
 * Every refused promotion leaves the VirtualService alone and one audit event.
 */
const kube = startKubeForFile();
let services: Awaited<ReturnType<typeof startCheckServer>>;
const ERIN: Actor = { id: "erin", email: "erin@example.com", role: "operator" };
const OPERATOR: Actor = { id: "olga", email: null, role: "operator" };
const as = (actor: Actor) => ({ actor, requestId: `test-${actor.id}`, clientAddress: null });

beforeAll(async () => {
  allowLoopbackEgress(); // the local receivers below; the default policy refuses loopback
  await useFreshDatabase();
  services = await startCheckServer();
});
afterAll(async () => {
  await services?.close();
});
afterEach(async () => {
  await kube.restore();
});

const events = (id: string) => getDeps().db.auditEvent.findMany({ where: { rolloutId: id }, orderBy: { id: "asc" } });

async function started(approvals: unknown, { namespace = "shop" } = {}) {
  const vs = kube.addVirtualService({ namespace });
  const created = await api.create(rolloutInput({ virtualService: vs, namespace, ...(approvals ? { approvals } : {}) }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  expect((await api.act(id, { action: "start" })).status).toBe(200);
  return { id, vs, namespace };
}

describe("approvals before promotion", () => {
  it("a promotion waits for every checklist item and a recent passing check, then goes through; each request is one audit event", async () => {
    const { id, vs } = await started({
      checks: [{ name: "smoke", url: services.url("/ok") }],
      checklist: [
        { id: "notes", text: "Release notes published" },
        { id: "oncall", text: "On-call informed", requireDifferentPerson: true },
      ],
    });
    const before = (await events(id)).length;

    const unticked = await api.act(id, { action: "promote" });
    expect(unticked.status).toBe(409);
    expect(unticked.body.error).toMatchObject({
      code: "APPROVAL_PENDING",
      message: expect.stringContaining("waiting for approval: 0 of 2 checklist items ticked"),
    });
    expect(kube.weights(vs)).toEqual([95, 5]);

    const ticked = await approvalsApi.tick(id, "notes");
    expect(ticked.status).toBe(200);
    expect(ticked.body).toMatchObject({
      ticked: 1,
      total: 2,
      checklist: [
        { id: "notes", tick: { actorId: "local-user" } },
        { id: "oncall", tick: null },
      ],
    });
    await tickChecklistItem(getDeps(), { id, itemId: "oncall", input: undefined, context: as(ERIN) });

    const unchecked = await api.act(id, { action: "promote" });
    expect(unchecked.body.error).toMatchObject({ code: "APPROVAL_PENDING", message: expect.stringContaining("check 'smoke' has not run") });

    const run = await approvalsApi.runChecks(id);
    expect(run.status).toBe(200);
    expect(run.body.checks[0]).toMatchObject({ name: "smoke", state: "pass", last: { ok: true, status: 200, summary: "HTTP 200", actorId: "local-user" } });
    // The excerpt is short and holds no control characters, whatever the service sent.
    expect(run.body.checks[0].last.excerpt).toMatch(/^all good x+$/);
    expect(run.body.checks[0].last.excerpt.length).toBeLessThanOrEqual(200);
    expect(run.body.blockers).toEqual([]);

    const promoted = await api.act(id, { action: "promote" });
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
    expect(kube.weights(vs)).toEqual([75, 25]);

    const audit = (await events(id)).slice(before);
    expect(audit.map((e) => [e.action, e.outcome, e.errorCode])).toEqual([
      ["promote", "refused", "APPROVAL_PENDING"],
      ["approval_tick", "success", null],
      ["approval_tick", "success", null],
      ["promote", "refused", "APPROVAL_PENDING"],
      ["approval_checks", "success", null],
      ["promote", "success", null],
    ]);
    expect(audit[2]).toMatchObject({ actorId: "erin", after: { item: "oncall", ticked: true, tickedBy: "erin" } });
    expect(audit[4]?.after).toMatchObject({ passed: 1, total: 1, checks: [{ check: "smoke", status: 200, ok: true }] });
    await expectAuditChainIntact();
  });

  it("failing, down and slow checks block promotion with their answers shown; rollback never waits", async () => {
    const { id, vs } = await started({
      checks: [
        { name: "migrations", url: services.url("/fail") },
        { name: "down", url: services.downUrl },
        { name: "slow", url: services.url("/slow"), timeoutMs: 300 },
        { name: "moved", url: services.url("/redirect"), expectStatus: 302 },
      ],
    });
    const okHits = services.hits("/ok");
    const startedAt = Date.now();
    const run = await approvalsApi.runChecks(id);
    expect(Date.now() - startedAt).toBeLessThan(2500); // at once, each within its own deadline
    expect(run.body.checks.map((c: { name: string; state: string; last: { summary: string } }) => [c.name, c.state, c.last.summary])).toEqual([
      ["migrations", "fail", "HTTP 503, expected 200"],
      ["down", "fail", "could not connect (ECONNREFUSED)"],
      ["slow", "fail", "no answer within 300 ms"],
      ["moved", "pass", "HTTP 302"],
    ]);
    expect(run.body.checks[0].last.excerpt).toBe("database migration pending");
    expect(services.hits("/ok")).toBe(okHits); // the redirect was not followed
    for (const action of ["promote", "promote_full"]) {
      const refused = await api.act(id, { action, reason: "ship it" });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain("check 'migrations' failed: HTTP 503, expected 200");
    }
    expect(kube.weights(vs)).toEqual([95, 5]);
    expect((await api.act(id, { action: "pause" })).status).toBe(200);
    const rolledBack = await api.act(id, { action: "rollback", reason: "checks fail" });
    expect(rolledBack.status).toBe(200);
    expect(kube.weights(vs)).toEqual([100, 0]);
  });

  it("requireDifferentPerson: whoever ticked the item cannot promote; someone else can", async () => {
    const { id, vs } = await started({ checklist: [{ id: "review", text: "Change reviewed", requireDifferentPerson: true }] });
    expect((await approvalsApi.tick(id, "review")).status).toBe(200);
    const mine = await api.act(id, { action: "promote" });
    expect(mine.body.error).toMatchObject({
      code: "APPROVAL_PENDING",
      message: expect.stringContaining("'Change reviewed' was ticked by local-user, who may not also promote"),
    });
    expect((await approvalsApi.get(id)).body.blockers).toEqual([
      "'Change reviewed' was ticked by local-user, who may not also promote: someone else must promote",
    ]);
    const theirs = await actOnRollout(getDeps(), { id, input: { action: "promote" }, context: as(ERIN) });
    expect(theirs.canaryWeight).toBe(25);
    expect(kube.weights(vs)).toEqual([75, 25]);
    // Unticking takes the approval away again.
    expect((await approvalsApi.tick(id, "review", { ticked: false })).body).toMatchObject({ ticked: 0, total: 1 });
    const again = await actOnRollout(getDeps(), { id, input: { action: "promote" }, context: as(ERIN) }).catch((e: Error) => e);
    expect((again as Error).message).toContain("0 of 1 checklist item ticked");
  });

  it("bad input is named by field and refused (audited), never a 500", async () => {
    const { id } = await started({ checklist: [{ id: "notes", text: "Release notes" }] });
    const badDefinition = await api.create(rolloutInput({ approvals: { checks: [{ name: "x", url: "file:///etc/passwd", timeoutMs: 99999 }] } }));
    expect(badDefinition.status).toBe(400);
    expect(badDefinition.body.error.fields).toEqual({
      "approvals.checks.0.url": "url must use http or https, not file",
      "approvals.checks.0.timeoutMs": "timeoutMs must be at most 30000",
    });
    expect((await approvalsApi.tick(id, "nope")).body.error).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining('no checklist item "nope"') });
    expect((await approvalsApi.tick(id, "notes", { ticked: "yes" })).body.error).toMatchObject({
      code: "VALIDATION",
      fields: { ticked: "ticked must be true or false" },
    });
    expect((await approvalsApi.runChecks(id)).body.error).toMatchObject({ code: "INVALID_STATE", message: expect.stringContaining("has no approval checks") });
    expect((await approvalsApi.tick("not-a-uuid", "notes")).status).toBe(404);
    expect((await events(id)).slice(-3).map((e) => [e.action, e.outcome, e.errorCode])).toEqual([
      ["approval_tick", "refused", "NOT_FOUND"],
      ["approval_tick", "refused", "VALIDATION"],
      ["approval_checks", "refused", "INVALID_STATE"],
    ]);
    // Approvals can be added while the rollout progresses, like analysis.
    const patched = await api.patch(id, {
      approvals: {
        checklist: [
          { id: "notes", text: "Release notes" },
          { id: "dash", text: "Dashboards open" },
        ],
      },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((await approvalsApi.get(id)).body).toMatchObject({ ticked: 0, total: 2 });
  });
});

describe("freeze windows", () => {
  const day = 86_400_000;
  const local = (t: number) => new Date(t).toISOString().slice(0, 16);

  it("refuse promotions (never rollbacks) in their namespaces, name the window and its end, and yield to an admin's override with a reason", async () => {
    const { id, vs } = await started(undefined);
    const other = await started(undefined, { namespace: "search" });
    const created = await approvalsApi.createWindow({
      name: "Black Friday",
      zone: "UTC",
      rule: { kind: "once", start: local(Date.now() - day), end: local(Date.now() + day) },
      namespaces: ["shop"],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.active).toMatchObject({ until: `${local(Date.now() + day).replace("T", " ")} UTC` });
    expect((await approvalsApi.listWindows()).body.windows.map((w: { name: string }) => w.name)).toEqual(["Black Friday"]);

    const refused = await api.act(id, { action: "promote" });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "FROZEN", message: expect.stringContaining("freeze window 'Black Friday' until ") });
    expect(kube.weights(vs)).toEqual([95, 5]);
    expect((await approvalsApi.get(id)).body.freezes).toMatchObject([{ name: "Black Friday", zone: "UTC" }]);
    // Another namespace is not frozen.
    expect((await api.act(other.id, { action: "promote" })).status).toBe(200);

    const noReason = await api.act(id, { action: "promote", overrideFreeze: true });
    expect(noReason.body.error).toMatchObject({ code: "VALIDATION", fields: { reason: "a reason is required to override a freeze window" } });
    const operator = await actOnRollout(getDeps(), { id, input: { action: "promote", overrideFreeze: true, reason: "hotfix" }, context: as(OPERATOR) }).catch(
      (e) => e,
    );
    expect(operator).toMatchObject({ code: "FORBIDDEN" });
    const overridden = await api.act(id, { action: "promote", overrideFreeze: true, reason: "payment outage hotfix" });
    expect(overridden.status, JSON.stringify(overridden.body)).toBe(200);
    expect(kube.weights(vs)).toEqual([75, 25]);
    const last = (await events(id)).at(-1);
    expect(last).toMatchObject({
      action: "promote",
      outcome: "success",
      reason: "payment outage hotfix",
      after: { canaryWeight: 25, freezeOverride: ["Black Friday"] },
    });

    expect((await api.act(id, { action: "rollback", reason: "frozen, going back" })).status).toBe(200);
    expect(kube.weights(vs)).toEqual([100, 0]);

    const removed = await approvalsApi.deleteWindow(created.body.id as string, { reason: "sale over" });
    expect(removed.status).toBe(204);
    const windowEvents = await getDeps().db.auditEvent.findMany({ where: { action: { in: ["freeze_create", "freeze_delete"] } }, orderBy: { id: "asc" } });
    expect(windowEvents.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ["freeze_create", "success", null],
      ["freeze_delete", "success", "sale over"],
    ]);
    await expectAuditChainIntact();
  });

  it("bad windows are named by field", async () => {
    const bad = await approvalsApi.createWindow({
      name: "",
      zone: "Europe/Atlantis",
      rule: { kind: "weekly", days: ["fri"], at: "16:00", durationMinutes: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({
      name: "name is required",
      zone: "zone must be an IANA time zone such as Europe/Berlin or UTC",
      "rule.durationMinutes": "durationMinutes must be at least 1",
    });
    expect((await approvalsApi.deleteWindow("00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await approvalsApi.deleteWindow("nope")).status).toBe(404);
  });
});
