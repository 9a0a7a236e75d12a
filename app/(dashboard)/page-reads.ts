import { notFound } from "next/navigation";
import { cache } from "react";
import { isAppError } from "@/lib/app-error";
import { isDatabaseDown } from "@/lib/http/respond";
import { log } from "@/lib/log";
import { getDeps } from "@/lib/composition/deps";
import { getRollout, type RolloutRead } from "@/lib/server/get-rollout";

/**
 * The dashboard pages' reads, on the Next.js side of the use cases (lib/server knows nothing of
 * notFound() or of how an HTTP layer classifies errors). A database that does not answer is an expected state, not a bug, so
 * a page renders it (components/ui/database-down.tsx) instead of throwing: Next.js hides a thrown
 * error's message from error.tsx in production and passes only a hash (`digest`), so a boundary
 * cannot tell an outage from a bug. This is what the Next.js error-handling guide asks of Server
 * Components: expected errors are rendered from the result, uncaught exceptions go to error.tsx.
 */
export type PageRead<T> = { down: false; value: T } | { down: true };

/** The value, or `{ down: true }` when the read failed because the database is unreachable. Every other error is thrown on. */
export async function pageRead<T>(read: () => Promise<T>): Promise<PageRead<T>> {
  try {
    return { down: false, value: await read() };
  } catch (error) {
    if (!isDatabaseDown(error)) throw error;
    log.warn("database unreachable while rendering a page", { error });
    return { down: true };
  }
}

/**
 * One rollout per request, shared by generateMetadata and the page (React's cache() lasts one
 * server render): without it every view of a rollout read it twice. An unknown id is the
 * not-found page.
 */
export const readRolloutForPage = cache(async (id: string): Promise<RolloutRead> => {
  try {
    return await getRollout(getDeps(), { id });
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});
