import type { RolloutStatus } from "@/lib/domain/rollout";
import "./status-badge.css";

const LABELS: Record<RolloutStatus, string> = {
  draft: "Draft",
  progressing: "Progressing",
  paused: "Paused",
  promoted: "Promoted",
  rolled_back: "Rolled back",
  archived: "Archived",
};

export function StatusBadge({ status }: { status: RolloutStatus }) {
  return <span className={`badge badge-${status}`}>{LABELS[status]}</span>;
}
