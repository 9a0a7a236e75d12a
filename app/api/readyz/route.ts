import { json } from "@/lib/http/respond";
import { checkReadiness } from "@/lib/server/check-readiness";
import { getDeps } from "@/lib/server/deps";

export const dynamic = "force-dynamic";

/** Readiness: 503 with the failing check's reason, so a load balancer and a human both learn why. */
export async function GET() {
  const report = await checkReadiness(() => getDeps());
  return json(report, { status: report.status === "ready" ? 200 : 503 });
}
