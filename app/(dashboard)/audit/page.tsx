import type { Metadata } from "next";
import { DatabaseDown } from "@/components/ui/database-down";
import { isAppError } from "@/lib/app-error";
import { cleanParams } from "@/lib/domain/audit/filter-fields";
import { AUDIT_LOG_PARAMS } from "@/lib/domain/audit/log-filter";
import { listAuditEvents, type AuditLogPage } from "@/lib/server/list-audit-events";
import { AuditView } from "./audit-view";
import { getDeps } from "@/lib/composition/deps";
import { pageRead } from "../page-reads";

export const metadata: Metadata = { title: "Audit log" };

type Query = Record<string, string | string[] | undefined>;

/** A bad filter is shown next to its field, not as an error page. */
async function load(query: Query): Promise<{ page: AuditLogPage; errors: Record<string, string> }> {
  try {
    return { page: await listAuditEvents(getDeps(), { query }), errors: {} };
  } catch (error) {
    if (!isAppError(error) || error.code !== "VALIDATION") throw error;
    return { page: { entries: [], nextCursor: null, params: cleanParams(query, AUDIT_LOG_PARAMS) }, errors: error.fields ?? { query: error.message } };
  }
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Query> }) {
  const query = await searchParams;
  const read = await pageRead(() => load(query));
  if (read.down) return <DatabaseDown />;
  const { page, errors } = read.value;
  const cursor = typeof query.cursor === "string" && query.cursor ? query.cursor : undefined;
  return <AuditView page={page} cursor={cursor} errors={errors} />;
}
