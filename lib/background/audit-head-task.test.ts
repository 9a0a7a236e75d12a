import { beforeAll, describe, expect, it } from "vitest";
import { createAuditReader } from "@/lib/db/audit/reader";
import { verifyAuditChain } from "@/lib/server/verify-audit-chain";
import { parseKnownHead } from "@/lib/domain/audit/chain";
import { seedEvent } from "@/test/api/audit-seed";
import { useFreshDatabase } from "@/test/database";
import { createLogger } from "@/lib/log";
import { createOwnMetrics } from "@/lib/metrics/own-metrics";
import { auditHeadTask } from "./audit-head-task";
import { startTasks } from "./runner";

let url: string;
beforeAll(async () => {
  url = await useFreshDatabase();
});

const until = async (check: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe("the audit head log line", () => {
  it("is written when the head moves, and what it prints verifies with --head", async () => {
    const audit = createAuditReader(url, { max: 1 });
    const lines: string[] = [];
    await seedEvent({ action: "create", actor: "alice", outcome: "success", at: "2026-06-01T08:00:00Z" });
    const stop = startTasks([auditHeadTask({ audit, intervalMs: 50 })], {
      metrics: createOwnMetrics(),
      log: createLogger({ write: (_level, line) => lines.push(line) }),
    });
    try {
      await until(() => lines.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(lines).toHaveLength(1); // unchanged head: no new line
      const event = await seedEvent({ action: "start", actor: "alice", outcome: "success", at: "2026-06-01T08:01:00Z" });
      await until(() => lines.length >= 2);
      const logged = JSON.parse(lines[1]!) as { msg: string; id: string; hash: string; verify: string };
      expect(logged).toMatchObject({ msg: "audit chain head", id: event.id.toString(), hash: event.hash });

      const knownHead = parseKnownHead(logged.verify.split("--head ")[1]!)!;
      expect(await verifyAuditChain({ audit }, { knownHead })).toMatchObject({ ok: true });
      expect(await verifyAuditChain({ audit }, { knownHead: { ...knownHead, hash: "0".repeat(64) } })).toMatchObject({
        ok: false,
        broken: { problem: "head_mismatch" },
      });
      expect(await verifyAuditChain({ audit }, { knownHead: { ...knownHead, id: knownHead.id + 100n } })).toMatchObject({
        ok: false,
        broken: { problem: "head_missing" },
      });
    } finally {
      await stop();
      await audit.close();
    }
  });
});
