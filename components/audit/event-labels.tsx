/** How an audit event's outcome and action read on every audit page. */
export function OutcomeBadge({ outcome }: { outcome: string }) {
  const label = { success: "done", refused: "refused", failed: "failed" }[outcome] ?? outcome;
  return <span className={`outcome outcome-${outcome}`}>{label}</span>;
}

export function actionLabel(action: string): string {
  return action.replaceAll("_", " ");
}
