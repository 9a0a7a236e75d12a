import type { RolloutApprovals } from "../../contracts/approvals";
import type { Actor } from "../../domain/actor";
import type { Deps } from "../../composition/deps";
import { getRollout } from "../get-rollout";
import { promotionCheck } from "../promotion-guard";

/** A pure read: the rollout's checks, checklist and the freezes holding it, judged for `viewer` as the one who would promote (approvalsJson shows it). */
export async function getRolloutApprovals(deps: Deps, { id, viewer }: { id: string; viewer: Actor }): Promise<RolloutApprovals> {
  const rollout = await getRollout(deps, { id });
  const now = deps.now();
  return { rollout, check: await promotionCheck(deps, { rollout, promoter: viewer.id, now }), now };
}
