import "./weight-bar.css";
/** Canary vs stable share of traffic as a bar plus the numbers, so it reads without colour too. */
export function WeightBar({ canaryWeight, compact = false }: { canaryWeight: number; compact?: boolean }) {
  const stable = 100 - canaryWeight;
  return (
    <div className={compact ? "weight weight-compact" : "weight"}>
      <div className="weight-bar" role="img" aria-label={`canary ${canaryWeight}%, stable ${stable}%`}>
        <span className="weight-canary" style={{ width: `${canaryWeight}%` }} />
        <span className="weight-stable" style={{ width: `${stable}%` }} />
      </div>
      <span className="weight-text">
        <strong>{canaryWeight}%</strong> canary · {stable}% stable
      </span>
    </div>
  );
}
