import type { Metadata } from "next";
import { DatabaseDown } from "@/components/ui/database-down";
import { isAppError } from "@/lib/app-error";
import { HISTORY_PARAMS } from "@/lib/domain/audit/history-filter";
import { cleanParams } from "@/lib/domain/audit/filter-fields";
import { listRolloutHistory, type HistoryPage as Page } from "@/lib/server/list-rollout-history";
import { HistoryView } from "./history-view";
import { getDeps } from "@/lib/composition/deps";
import { pageRead } from "../page-reads";

export const metadata: Metadata = { title: "History" };

type Query = Record<string, string | string[] | undefined>;

/** A bad filter is shown next to its field, not as an error page. */
async function load(query: Query): Promise<{ page: Page; errors: Record<string, string> }> {
  try {
    return { page: await listRolloutHistory(getDeps(), { query }), errors: {} };
  } catch (error) {
    if (!isAppError(error) || error.code !== "VALIDATION") throw error;
    return { page: { rows: [], nextCursor: null, params: cleanParams(query, HISTORY_PARAMS) }, errors: error.fields ?? { query: error.message } };
  }
}

export default async function HistoryPage({ searchParams }: { searchParams: Promise<Query> }) {
  const query = await searchParams;
  const read = await pageRead(() => load(query));
  if (read.down) return <DatabaseDown />;
  const { page, errors } = read.value;
  const cursor = typeof query.cursor === "string" && query.cursor ? query.cursor : undefined;
  return <HistoryView page={page} cursor={cursor} errors={errors} />;
}
