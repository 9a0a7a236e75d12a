import { requestContext } from "@/lib/http/request-context";
import { json, route } from "@/lib/http/respond";
import { verifyAuditChain } from "@/lib/server/verify-audit-chain";
import { getDeps } from "@/lib/composition/deps";

/** Recomputes the audit log's hash chain: {ok, checked, head} or {ok: false, broken} (role: admin). */
export const GET = route(async (request: Request) => {
  await requestContext(request, { need: "admin" });
  const report = await verifyAuditChain(getDeps());
  return json(report);
});
