import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { isAppError } from "@/lib/app-error";
import { getDeps } from "@/lib/server/deps";
import { getRolloutTimeline } from "@/lib/server/get-rollout-timeline";
import { TimelineView } from "./timeline-view";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

// Metadata and page share one read per request.
const load = cache(async (id: string) => {
  try {
    return await getRolloutTimeline(getDeps(), { id });
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { rollout } = await load((await params).id);
  return { title: `${rollout.name}: timeline` };
}

/** Every event of one rollout in order, the weights over its life, and its SLIs since it started. */
export default async function TimelinePage({ params, searchParams }: Props) {
  const { id } = await params;
  // The SLI charts read their window from the URL; an auditor wants the rollout's whole life.
  if (!(await searchParams).window) redirect(`/rollouts/${encodeURIComponent(id)}/timeline?window=rollout`);
  const timeline = await load(id);
  return <TimelineView timeline={timeline} now={getDeps().now()} />;
}
