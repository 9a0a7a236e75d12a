import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { DatabaseDown } from "@/components/ui/database-down";
import { isAppError } from "@/lib/app-error";
import { getDeps } from "@/lib/composition/deps";
import { getRolloutTimeline } from "@/lib/server/get-rollout-timeline";
import { pageRead } from "../../../page-reads";
import { TimelineView } from "./timeline-view";

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
  const read = await pageRead(async () => load((await params).id));
  return { title: read.down ? "Database unreachable" : `${read.value.rollout.name}: timeline` };
}

/** Every event of one rollout in order, the weights over its life, and its SLIs since it started. */
export default async function TimelinePage({ params, searchParams }: Props) {
  const { id } = await params;
  // The SLI charts read their window from the URL; an auditor wants the rollout's whole life.
  if (!(await searchParams).window) redirect(`/rollouts/${encodeURIComponent(id)}/timeline?window=rollout`);
  const read = await pageRead(() => load(id));
  if (read.down) return <DatabaseDown />;
  return <TimelineView timeline={read.value} now={getDeps().now()} />;
}
