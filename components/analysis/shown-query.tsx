"use client";

import "./analysis.css";
import { useState } from "react";
import { LocalTime } from "@/components/ui/local-time";
import type { EvaluationJson } from "@/lib/contracts/analysis";

/** A series' labels as a PromQL selector body, for reading one line of a grouped answer. */
function selectorText(series: Record<string, string>): string {
  return `{${Object.entries(series)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(", ")}}`;
}

function howToRead(kind: string, series: Record<string, string> | null): string {
  if (kind === "judge")
    return "Range queries over the window, canary then stable for each metric, one a line; the score is the judge's comparison of their series.";
  if (series) return `It answers for every rollout analysed with this one; this rollout's value is the series ${selectorText(series)}.`;
  return "Its first series is the value.";
}

/**
 * The query that produced a verdict's value, as sent to Prometheus: a disclosure with the text
 * to copy, the time to run it at, and which series of the answer holds the value. A native
 * <details>, so it opens from the keyboard; the text is selectable as well as copyable.
 */
export function ShownQuery({ evaluation }: { evaluation: Pick<EvaluationJson, "query" | "querySeries" | "kind" | "at"> }) {
  const [copied, setCopied] = useState<"copied" | "failed" | null>(null);
  const { query, querySeries, kind, at } = evaluation;
  if (!query) return null;
  const copy = () => {
    navigator.clipboard.writeText(query).then(
      () => setCopied("copied"),
      () => setCopied("failed"),
    );
  };
  return (
    <details className="analysis-query">
      <summary>Query</summary>
      <p className="muted analysis-note">
        Sent as is at <LocalTime iso={at} /> (Unix time <code>{Date.parse(at) / 1000}</code>): run at that time, it returns the value shown.{" "}
        {howToRead(kind, querySeries)}
      </p>
      <pre className="analysis-query-text">
        <code>{query}</code>
      </pre>
      <button type="button" className="button" onClick={copy}>
        Copy query
      </button>
      <span className="muted analysis-note" role="status">
        {copied === "copied" ? " Copied." : copied === "failed" ? " Could not copy: select the text instead." : ""}
      </span>
    </details>
  );
}
