import { readJsonBody } from "@/lib/http/read-json";
import { requestContext } from "@/lib/http/request-context";
import { json, route } from "@/lib/http/respond";
import { getRolloutApprovals } from "@/lib/server/approvals/get-rollout-approvals";
import { tickChecklistItem } from "@/lib/server/approvals/tick-checklist-item";
import { getDeps } from "@/lib/server/deps";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; itemId: string }> };

/** Ticks a checklist item (body optional; {"ticked": false} unticks it). Operators; audited. */
export const POST = route(async (request: Request, { params }: Params) => {
  const { id, itemId } = await params;
  // No body means "tick it"; a body that cannot be read is still an attempt, audited and refused.
  const body = request.body
    ? await readJsonBody(request).then(
        (input) => ({ input, bodyError: undefined }),
        (bodyError: unknown) => ({ input: undefined, bodyError }),
      )
    : { input: undefined, bodyError: undefined };
  const context = await requestContext(request, { need: "operator", input: body.input });
  const deps = getDeps();
  await tickChecklistItem(deps, { id, itemId, ...body, context });
  return json(await getRolloutApprovals(deps, { id, viewer: context.actor }));
});
