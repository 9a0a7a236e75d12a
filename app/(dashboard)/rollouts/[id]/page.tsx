import type { Metadata } from "next";
import { DatabaseDown } from "@/components/ui/database-down";
import { isDemoMode } from "@/lib/auth/config";
import { rolloutJson } from "@/lib/contracts/rollout";
import { getDeps } from "@/lib/composition/deps";
import { pageRead, readRolloutForPage } from "../../page-reads";
import { RolloutDetailView } from "./rollout-detail-view";

// No loading.tsx on this route: a streamed page starts with status 200, and an unknown id must answer 404.
type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const read = await pageRead(async () => readRolloutForPage((await params).id));
  return { title: read.down ? "Database unreachable" : read.value.name };
}

export default async function RolloutPage({ params }: Props) {
  const read = await pageRead(async () => readRolloutForPage((await params).id));
  if (read.down) return <DatabaseDown />;
  const deps = getDeps();
  // The demo lets visitors break a canary in its sandbox mesh; nothing else has one.
  const demoFaults = deps.sandboxMesh !== null && isDemoMode(deps.auth);
  return <RolloutDetailView initial={rolloutJson(read.value)} demoFaults={demoFaults} />;
}
