import { overviewRolloutJson, overviewRow } from "@/lib/contracts/overview";
import { getDeps } from "@/lib/server/deps";
import { listAttention } from "@/lib/server/list-attention";
import { RolloutsView } from "./rollouts-view";

export const dynamic = "force-dynamic";

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const includeArchived = (await searchParams).archived === "1";
  const { readAt, items } = await listAttention(getDeps(), { query: includeArchived ? { includeArchived: "true" } : {} });
  return (
    <RolloutsView
      initial={{ rollouts: items.map((item) => overviewRow(overviewRolloutJson(item))), readAt: readAt.toISOString() }}
      includeArchived={includeArchived}
    />
  );
}
