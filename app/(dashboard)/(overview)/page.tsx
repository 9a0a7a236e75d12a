import { DatabaseDown } from "@/components/ui/database-down";
import { overviewRolloutJson, overviewRow } from "@/lib/contracts/overview";
import { getDeps } from "@/lib/composition/deps";
import { listAttention } from "@/lib/server/list-attention";
import { pageRead } from "../page-reads";
import { RolloutsView } from "./rollouts-view";

// In the (overview) route group so its loading.tsx covers this page alone: a loading boundary
// above /rollouts/[id] would start streaming before an unknown id can answer 404.
export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const includeArchived = (await searchParams).archived === "1";
  const read = await pageRead(() => listAttention(getDeps(), { query: includeArchived ? { includeArchived: "true" } : {} }));
  if (read.down) return <DatabaseDown />;
  const { readAt, items } = read.value;
  return (
    <RolloutsView
      initial={{ rollouts: items.map((item) => overviewRow(overviewRolloutJson(item))), readAt: readAt.toISOString() }}
      includeArchived={includeArchived}
    />
  );
}
