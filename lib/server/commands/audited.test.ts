import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/app-error";
import { useFreshDatabase } from "@/test/database";
import { expectAuditChainIntact } from "@/test/audit-chain";
import { getDeps } from "../../composition/deps";
import { audited, type Ending } from "./audited";

/** The wrapper's promise, against a real database: one audit event per attempt, however it ends. */
const context = (requestId: string) => ({ actor: { id: "tess", email: null, role: "admin" as const }, requestId, clientAddress: "127.0.0.1" });
const eventsOf = (requestId: string) => getDeps().db.auditEvent.findMany({ where: { requestId } });

beforeAll(async () => {
  await useFreshDatabase();
});

describe("audited", () => {
  it("a success is the one event the command wrote in its own transaction", async () => {
    const ended: Ending[] = [];
    const result = await audited(getDeps(), { action: "freeze_create", context: context("ok"), ended: (e) => ended.push(e) }, (trail) =>
      trail.write(async (_tx, record) => {
        await record({ after: { name: "quiet week" } });
        return 42;
      }),
    );
    expect(result).toBe(42);
    expect(await eventsOf("ok")).toMatchObject([
      { action: "freeze_create", outcome: "success", after: { name: "quiet week" }, durationMs: expect.any(Number) },
    ]);
    expect(ended.map((e) => e.outcome)).toEqual(["success"]);
  });

  it("a refusal before the change is written by the wrapper, with what the command knew", async () => {
    const attempt = audited(getDeps(), { action: "freeze_delete", context: context("refused") }, async (trail) => {
      trail.after = { tried: "this" };
      throw new AppError("NOT_FOUND", "no freeze window with id x");
    });
    await expect(attempt).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await eventsOf("refused")).toMatchObject([
      { outcome: "refused", errorCode: "NOT_FOUND", errorMessage: "no freeze window with id x", after: { tried: "this" } },
    ]);
  });

  it("an event written in a transaction that then rolled back does not count: the failure is the one event", async () => {
    const attempt = audited(getDeps(), { action: "approval_tick", context: context("rolled-back") }, (trail) =>
      trail.write(async (_tx, record) => {
        await record();
        throw new Error("connection lost before commit");
      }),
    );
    await expect(attempt).rejects.toThrow("connection lost");
    expect(await eventsOf("rolled-back")).toMatchObject([{ outcome: "failed", errorCode: "INTERNAL" }]);
  });

  it("a failure recorded with its detail is not recorded twice", async () => {
    const attempt = audited(getDeps(), { action: "promote", context: context("detailed") }, async (trail) => {
      const error = new AppError("DRIFT", "someone changed it");
      await trail.write((_tx, record) => record({ error, resourceVersionBefore: "7" }));
      throw error;
    });
    await expect(attempt).rejects.toMatchObject({ code: "DRIFT" });
    expect(await eventsOf("detailed")).toMatchObject([{ outcome: "refused", errorCode: "DRIFT", resourceVersionBefore: "7" }]);
  });

  it('"successes" writes nothing when the command refuses (a definition\'s bad input leaves no row)', async () => {
    const attempt = audited(getDeps(), { action: "create", context: context("bad-input"), records: "successes" }, async () => {
      throw new AppError("VALIDATION", "name is required");
    });
    await expect(attempt).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await eventsOf("bad-input")).toEqual([]);
    await expectAuditChainIntact();
  });
});
