import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isAppError } from "@/lib/app-error";
import { isDemoMode } from "@/lib/auth/config";
import { rolloutJson } from "@/lib/contracts/rollout";
import { getDeps } from "@/lib/server/deps";
import { getRollout } from "@/lib/server/get-rollout";
import { RolloutDetailView } from "./rollout-detail-view";

export const dynamic = "force-dynamic";

async function load(id: string) {
  try {
    return await getRollout(getDeps(), { id });
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const rollout = await load((await params).id);
  return { title: rollout.name };
}

export default async function RolloutPage({ params }: { params: Promise<{ id: string }> }) {
  const rollout = await load((await params).id);
  const deps = getDeps();
  // The demo lets visitors break a canary in its sandbox mesh; nothing else has one.
  const demoFaults = deps.sandboxMesh !== null && isDemoMode(deps.auth);
  return <RolloutDetailView initial={rolloutJson(rollout)} demoFaults={demoFaults} />;
}
