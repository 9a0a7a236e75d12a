import { expect } from "vitest";
import { createAuditReader } from "@/lib/db/audit/reader";
import { getConfig } from "@/lib/composition/deps";
import { verifyAuditChain } from "@/lib/server/verify-audit-chain";

/**
 * The invariant every race and fault test ends on: the audit log is one unbroken chain. A race
 * test that only checks status codes once hid a forked chain.
 */
export async function expectAuditChainIntact(databaseUrl = getConfig().databaseUrl()): Promise<number> {
  const audit = createAuditReader(databaseUrl, { max: 1 });
  try {
    const report = await verifyAuditChain({ audit });
    expect(report.ok ? "intact" : report.broken.message).toBe("intact");
    return report.checked;
  } finally {
    await audit.close();
  }
}
