import { json } from "@/lib/http/respond";
import { checkReadiness } from "@/lib/server/check-readiness";
import { getDeps } from "@/lib/composition/deps";

/** Readiness: 503 naming the failing check in general terms; the details are in the server log (check-readiness.ts). */
export async function GET() {
  const report = await checkReadiness(() => getDeps());
  return json(report, { status: report.status === "ready" ? 200 : 503 });
}
