import { formatFullTime } from "@/components/charts/format";
import type { ActionMarker } from "@/lib/domain/weight-history";
import "./slis.css";

/** The actions drawn as markers, in words: when, what, who, how it ended and why. */
export function ActionList({ markers, zone }: { markers: readonly ActionMarker[]; zone: string }) {
  if (markers.length === 0) return null;
  return (
    <details className="slis-actions">
      <summary>
        {markers.length} {markers.length === 1 ? "action" : "actions"} in this window
      </summary>
      <ol>
        {[...markers].reverse().map((m, i) => (
          <li key={`${m.t}-${i}`}>
            <time dateTime={new Date(m.t).toISOString()}>{formatFullTime(m.t, zone)}</time> <strong>{m.action}</strong> by {m.actor}
            {m.outcome === "success" ? null : <span className={`outcome outcome-${m.outcome}`}> {m.outcome}</span>}
            {m.reason ? <span className="muted"> — “{m.reason}”</span> : null}
          </li>
        ))}
      </ol>
    </details>
  );
}
