import { canonicalize } from "./canonical";
import { snapshotNumber, snapshotStableWeight, snapshotStatus } from "./entry";

/**
 * What an audit event changed, in one line for the log and the timeline:
 *   "canary 25% → 100% · stable 75% → 0%", "status draft → archived",
 *   "changed steps, slo" (a definition edit), "created".
 * null when the event changed nothing (a refusal, a failure before any change).
 */
export function describeChange({ action, outcome, before, after }: { action: string; outcome: string; before: unknown; after: unknown }): string | null {
  if (outcome !== "success") return null;
  if (action === "create") return "created";
  const parts: string[] = [];
  const canaryFrom = snapshotNumber(before, "canaryWeight");
  const canaryTo = snapshotNumber(after, "canaryWeight");
  if (canaryFrom !== null && canaryTo !== null && canaryFrom !== canaryTo) {
    parts.push(`canary ${canaryFrom}% → ${canaryTo}%`, `stable ${snapshotStableWeight(before)}% → ${snapshotStableWeight(after)}%`);
  }
  const statusFrom = snapshotStatus(before);
  const statusTo = snapshotStatus(after);
  if (statusFrom && statusTo && statusFrom !== statusTo) parts.push(`status ${statusFrom.replace("_", " ")} → ${statusTo.replace("_", " ")}`);
  if (action === "update") {
    const fields = changedFields(before, after);
    if (fields.length > 0) parts.push(`changed ${fields.join(", ")}`);
  }
  return parts.length > 0 ? parts.join(" · ") : null;
}

/** Top-level fields whose values differ between two snapshots, sorted. */
export function changedFields(before: unknown, after: unknown): string[] {
  const a = (before && typeof before === "object" ? before : {}) as Record<string, unknown>;
  const b = (after && typeof after === "object" ? after : {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((key) => canonicalize(a[key]) !== canonicalize(b[key]));
}
