import { approvalsJson } from "@/lib/contracts/approvals";
import { commandRoute } from "@/lib/http/command-route";
import { json } from "@/lib/http/respond";
import { getRolloutApprovals } from "@/lib/server/approvals/get-rollout-approvals";
import { tickChecklistItemCommand } from "@/lib/server/approvals/tick-checklist-item";

/** Ticks a checklist item (body optional; {"ticked": false} unticks it). Operators; audited. Answers with the approvals as they then stand. */
export const POST = commandRoute(tickChecklistItemCommand, async (_tick, { deps, context, params }) =>
  json(approvalsJson(await getRolloutApprovals(deps, { id: params.id, viewer: context.actor }), context.actor.role)),
);
