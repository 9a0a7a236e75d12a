import { requestContext } from "@/lib/http/request-context";
import { json, route } from "@/lib/http/respond";
import { getRolloutApprovals } from "@/lib/server/approvals/get-rollout-approvals";
import { runApprovalChecks } from "@/lib/server/approvals/run-approval-checks";
import { getDeps } from "@/lib/server/deps";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** Runs the rollout's approval HTTP checks now (operators); answers with the approvals as they then stand. */
export const POST = route(async (request: Request, { params }: Params) => {
  const { id } = await params;
  const context = await requestContext(request, { need: "operator" });
  const deps = getDeps();
  await runApprovalChecks(deps, { id, context });
  return json(await getRolloutApprovals(deps, { id, viewer: context.actor }));
});
