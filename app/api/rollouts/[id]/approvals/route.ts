import { approvalsJson } from "@/lib/contracts/approvals";
import { requestContext } from "@/lib/http/request-context";
import { pollableJson, route } from "@/lib/http/respond";
import { getRolloutApprovals } from "@/lib/server/approvals/get-rollout-approvals";
import { getDeps } from "@/lib/composition/deps";

type Params = { params: Promise<{ id: string }> };

/**
 * The rollout's checks (last result each), checklist (who ticked) and the freezes holding it,
 * judged for the caller as promoter. `readAt` changes on every poll, so the ETag leaves it out (it
 * comes in the `aviary-read-at` header): the page gets 304 until something a person would see changes.
 */
export const GET = route(async (request: Request, { params }: Params) => {
  const { id } = await params;
  const context = await requestContext(request, { need: "viewer" });
  const approvals = approvalsJson(await getRolloutApprovals(getDeps(), { id, viewer: context.actor }), context.actor.role);
  const { readAt, ...sameAs } = approvals;
  return pollableJson(request, approvals, { sameAs, headers: { "aviary-read-at": readAt } });
});
