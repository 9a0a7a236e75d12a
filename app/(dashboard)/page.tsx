import { rolloutJson } from "@/lib/contracts/rollout";
import { getDeps } from "@/lib/server/deps";
import { listRollouts } from "@/lib/server/list-rollouts";
import { RolloutsView } from "./rollouts-view";

export const dynamic = "force-dynamic";

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const includeArchived = (await searchParams).archived === "1";
  const rollouts = await listRollouts(getDeps(), { query: includeArchived ? { includeArchived: "true" } : {} });
  return <RolloutsView initial={rollouts.map(rolloutJson)} includeArchived={includeArchived} />;
}
