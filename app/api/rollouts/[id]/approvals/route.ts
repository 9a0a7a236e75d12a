import { requestContext } from "@/lib/http/request-context";
import { pollableJson, route } from "@/lib/http/respond";
import { getRolloutApprovals } from "@/lib/server/approvals/get-rollout-approvals";
import { getDeps } from "@/lib/server/deps";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** The rollout's checks (last result each), checklist (who ticked) and the freezes holding it, judged for the caller as promoter. */
export const GET = route(async (request: Request, { params }: Params) => {
  const { id } = await params;
  const context = await requestContext(request, { need: "viewer" });
  return pollableJson(request, await getRolloutApprovals(getDeps(), { id, viewer: context.actor }));
});
