import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectAuditChainIntact } from "../audit-chain";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { api } from "./client";
import { getDeps } from "@/lib/composition/deps";

/**
 * Text that cannot be stored as sent (a lone UTF-16 surrogate, NUL, control characters) reaching
 * the actions route: a 400 naming the field, one audit event for the attempt, nothing else
 * written, and a chain that still verifies (once, one such request broke it for good).
 */
const kube = startKubeForFile();

beforeAll(async () => {
  await useFreshDatabase();
});

afterEach(async () => {
  await expectAuditChainIntact();
});

async function startedRollout() {
  const vs = kube.addVirtualService();
  const created = await api.create(rolloutInput({ virtualService: vs }));
  expect((await api.act(created.body.id as string, { action: "start" })).status).toBe(200);
  return { id: created.body.id as string, vs };
}

const eventsOf = (id: string) => getDeps().db.auditEvent.findMany({ where: { rolloutId: id }, orderBy: { id: "asc" } });

describe("unstorable text in an action", () => {
  it.each([
    ["a lone surrogate as the action", { action: "\ud800" }, "action", /must be one of/],
    ["a lone surrogate in the reason", { action: "rollback", reason: "bad \udc00 canary" }, "reason", /lone UTF-16 surrogate/],
    ["NUL in the reason", { action: "pause", reason: "a\u0000b" }, "reason", /NUL/],
    [
      "an escape sequence in the reason",
      { action: "pause", reason: "\u001b[2Jcleared" },
      "reason",
      /control characters other than tab and newline \(found \\u001b\)/,
    ],
  ])("%s: 400 naming the field, audited once, nothing changed", async (_what, body, field, message) => {
    const { id, vs } = await startedRollout();
    const before = await getDeps().db.rollout.findUniqueOrThrow({ where: { id } });
    const eventsBefore = (await eventsOf(id)).length;

    const answer = await api.act(id, body, { requestId: `hostile-${id.slice(0, 8)}` });

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("VALIDATION");
    expect(Object.keys(answer.body.error.fields)).toContain(field);
    expect(answer.body.error.fields[field]).toMatch(message);
    const after = await getDeps().db.rollout.findUniqueOrThrow({ where: { id } });
    expect(after).toEqual(before);
    expect(kube.weights(vs)).toEqual([95, 5]);
    const events = await eventsOf(id);
    expect(events).toHaveLength(eventsBefore + 1);
    expect(events.at(-1)).toMatchObject({ outcome: "refused", errorCode: "VALIDATION", requestId: `hostile-${id.slice(0, 8)}` });
  });

  it("keeps a multi-line reason with tabs and emoji exactly as written", async () => {
    const { id } = await startedRollout();
    const reason = "canary 5xx 🐦\n\tsee INC-42";
    expect((await api.act(id, { action: "pause", reason })).status).toBe(200);
    expect((await eventsOf(id)).at(-1)?.reason).toBe(reason);
  });
});
