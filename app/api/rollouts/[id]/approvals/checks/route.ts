import { approvalsJson } from "@/lib/contracts/approvals";
import { commandRoute } from "@/lib/http/command-route";
import { json } from "@/lib/http/respond";
import { getRolloutApprovals } from "@/lib/server/approvals/get-rollout-approvals";
import { runApprovalChecksCommand } from "@/lib/server/approvals/run-approval-checks";

/** Runs the rollout's approval HTTP checks now (operators); answers with the approvals as they then stand. */
export const POST = commandRoute(runApprovalChecksCommand, async (_results, { deps, context, params }) =>
  json(approvalsJson(await getRolloutApprovals(deps, { id: params.id, viewer: context.actor }), context.actor.role)),
);
