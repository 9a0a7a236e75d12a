import { AppError } from "../app-error";
import type { Rollout, RolloutStatus } from "./rollout";

/** Which lifecycle operations each status allows. Traffic actions build on this. */

const LIVE: readonly RolloutStatus[] = ["progressing", "paused"];

export function isLive(status: RolloutStatus): boolean {
  return LIVE.includes(status);
}

export function canEdit(status: RolloutStatus): boolean {
  return status === "draft";
}

export function canArchive(status: RolloutStatus): boolean {
  return !isLive(status);
}

export function assertEditable(rollout: Pick<Rollout, "status">): void {
  if (!canEdit(rollout.status)) {
    throw new AppError(
      "INVALID_STATE",
      `only a draft rollout can be edited; this one is ${rollout.status.replace("_", " ")}. Create a new rollout for a new release.`,
    );
  }
}

export function assertArchivable(rollout: Pick<Rollout, "status">): void {
  if (!canArchive(rollout.status)) {
    throw new AppError("INVALID_STATE", `a ${rollout.status} rollout still steers traffic; roll it back or promote it fully before archiving`);
  }
}
