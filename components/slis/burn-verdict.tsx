import { formatBurn, formatThreshold } from "@/components/charts/format";
import type { BurnSummary, VerdictStatus } from "@/lib/domain/burn-summary";
import type { BurnVerdict } from "@/lib/domain/slo";
import "./slis.css";

const BADGE_TEXT: Record<VerdictStatus, string> = { page: "Page", ticket: "Ticket", ok: "OK", no_data: "No data" };

/** The multiwindow verdict as a badge; the words say it, colour only repeats it. */
export function VerdictBadge({ status, suffix, title }: { status: VerdictStatus; suffix?: string; title?: string }) {
  return (
    <span className={`badge verdict verdict-${status}`} title={title}>
      {BADGE_TEXT[status]}
      {suffix ? ` · ${suffix}` : ""}
    </span>
  );
}

export function describeVerdict(verdict: BurnVerdict): string {
  const { fired } = verdict;
  if (fired) {
    return `${formatBurn(fired.long.burnRate)} over ${fired.long.window} and ${formatBurn(fired.short.burnRate)} over ${fired.short.window}, above ${formatThreshold(fired.threshold)}`;
  }
  if (verdict.status === "no_data") return "no traffic in any window";
  const fast = verdict.conditions[0];
  return `burning ${formatBurn(fast?.long.burnRate ?? null)} over 1h, below every threshold`;
}

/** Service and canary-alone verdicts, one line each. */
export function BurnVerdictText({ burn }: { burn: BurnSummary }) {
  return (
    <ul className="verdicts">
      <li>
        <VerdictBadge status={burn.service.verdict.status} /> service: {describeVerdict(burn.service.verdict)}
      </li>
      <li>
        <VerdictBadge status={burn.canary.verdict.status} /> canary alone: {describeVerdict(burn.canary.verdict)}
      </li>
    </ul>
  );
}
