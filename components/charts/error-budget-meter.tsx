import { formatPercent } from "./format";
import "./charts.css";

/**
 * Share of the period's error budget still unspent. Overspent budgets go below zero and say
 * so in words; no traffic in the period is "unknown", never a reassuring 100%.
 */
export function ErrorBudgetMeter({ remaining, period, label = "Error budget remaining" }: { remaining: number | null; period: string; label?: string }) {
  if (remaining === null) {
    return (
      <div className="budget budget-unknown">
        <p className="budget-value">Unknown</p>
        <p className="muted">No requests in the last {period}, so no budget has been measured.</p>
      </div>
    );
  }
  const shown = Math.max(0, Math.min(1, remaining));
  const tone = remaining <= 0 ? "budget-spent" : remaining < 0.25 ? "budget-low" : "budget-ok";
  return (
    <div className={`budget ${tone}`}>
      <p className="budget-value">{remaining <= 0 ? `Overspent: ${formatPercent(1 - remaining)} of the budget used` : `${formatPercent(remaining)} left`}</p>
      <div
        className="budget-bar"
        role="meter"
        aria-label={`${label} over ${period}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(shown * 100)}
        aria-valuetext={remaining <= 0 ? `overspent, ${formatPercent(1 - remaining)} of the budget used` : `${formatPercent(remaining)} left`}
      >
        <span style={{ width: `${shown * 100}%` }} />
      </div>
    </div>
  );
}
