import type { RolloutApprovalsJson } from "../../contracts/approvals";
import type { Actor } from "../../domain/actor";
import type { Deps } from "../deps";
import { getRollout } from "../get-rollout";
import { promotionCheck } from "../promotion-guard";
import { approvalsJson } from "./approvals-json";

/** A pure read: the rollout's checks, checklist and the freezes holding it, judged for `viewer` as the one who would promote. */
export async function getRolloutApprovals(deps: Deps, { id, viewer }: { id: string; viewer: Actor }): Promise<RolloutApprovalsJson> {
  const rollout = await getRollout(deps, { id });
  const now = deps.now();
  return approvalsJson(rollout, await promotionCheck(deps, { rollout, promoter: viewer.id, now }), now, viewer.role);
}
