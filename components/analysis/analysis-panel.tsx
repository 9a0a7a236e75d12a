"use client";

import "./analysis.css";
import { useQuery } from "@tanstack/react-query";
import { memo, useMemo } from "react";
import { formatAbsolute, LocalTime } from "@/components/ui/local-time";
import type { EvaluationJson, RolloutAnalysisJson } from "@/lib/contracts/analysis";
import { analysisApi } from "@/lib/client/analysis-api";
import { STALE_INTERVALS } from "@/lib/domain/attention";
import { queryKeys } from "@/lib/client/query-keys";
import { DemoFaultControls } from "./demo-fault-controls";
import { ShownQuery } from "./shown-query";

const POLL_MS = 5_000;

const MODE_TEXT: Record<RolloutAnalysisJson["mode"], string> = {
  off: "off",
  observe: "observe: verdicts are shown, never acted on",
  rollback: "rollback: Aviary rolls back on a failing gate; people promote",
  auto: "auto: Aviary rolls back on a failing gate and promotes each step once its pause has passed with every gate passing",
};

const VERDICT_TEXT: Record<EvaluationJson["verdict"], string> = { pass: "Pass", fail: "Fail", inconclusive: "Inconclusive" };

// One formatter per precision: toLocaleString with options builds a new one on every call, and
// each cell of the verdict strips formats two numbers for its title (hundreds on a page).
const NUMBER_FORMATS = [0, 1, 2, 3].map((digits) => new Intl.NumberFormat("en-US", { maximumFractionDigits: digits }));

/** A unit as the gate's note says it, before any value is in (the values say it in their own form). */
const UNIT_TEXT: Record<string, string> = { x: "multiples of the error budget's burn rate", score: "a score out of 100" };

function formatValue(value: number | null, unit: string): string {
  if (value === null) return "–";
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  const number = NUMBER_FORMATS[digits]!.format(value);
  if (unit === "%") return `${number}%`;
  if (unit === "x") return `${number}×`;
  return unit ? `${number} ${unit}` : number;
}

export function useRolloutAnalysis(rolloutId: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: queryKeys.rollouts.analysis(rolloutId),
    queryFn: ({ signal }) => analysisApi.rolloutAnalysis(rolloutId, signal),
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
    enabled,
  });
}

/** Room for the section while its first answer is on the way, so nothing below it jumps. */
const reservedHeight = (gates: number) => `${170 + 64 * gates}px`;

/**
 * One gate's evaluations as a row of cells, oldest left; each cell says when, what and against what.
 * Memoised: a poll that brings a new evaluation for one gate redraws that strip, not all of them.
 */
const VerdictStrip = memo(function VerdictStrip({ gate, evaluations, zone }: { gate: string; evaluations: EvaluationJson[]; zone: string }) {
  const counts = { pass: 0, fail: 0, inconclusive: 0 };
  for (const e of evaluations) counts[e.verdict]++;
  return (
    <div
      className="verdict-strip"
      role="img"
      aria-label={`${gate}: ${evaluations.length} evaluations shown, ${counts.pass} passed, ${counts.fail} failed, ${counts.inconclusive} inconclusive`}
    >
      {evaluations.map((e) => (
        <span
          key={e.at}
          className={`verdict-cell verdict-cell-${e.verdict}`}
          title={`${formatAbsolute(new Date(e.at), zone)} · ${VERDICT_TEXT[e.verdict]} · ${formatValue(e.value, e.unit)} against ${formatValue(e.threshold, e.unit)} over ${e.window} at ${e.canaryWeight}% canary\n${e.reason}`}
        />
      ))}
    </div>
  );
}, sameStrip);

function sameStrip(
  a: { gate: string; evaluations: EvaluationJson[]; zone: string },
  b: { gate: string; evaluations: EvaluationJson[]; zone: string },
): boolean {
  return (
    a.gate === b.gate &&
    a.zone === b.zone &&
    a.evaluations.length === b.evaluations.length &&
    a.evaluations.every((e, i) => {
      const f = b.evaluations[i]!;
      return e.at === f.at && e.verdict === f.verdict && e.value === f.value && e.reason === f.reason;
    })
  );
}

const STRIP_CELLS = 120;

/**
 * The analysis section of a rollout page: the mode in words, what the loop would do now (with the
 * countdown to the next step), and per gate its latest verdict and a strip of its recent ones.
 */
export function AnalysisPanel({ rolloutId, gateCount, demoFaults = false }: { rolloutId: string; gateCount: number | null; demoFaults?: boolean }) {
  // gateCount null: the rollout has no analysis block, so there is nothing to fetch.
  const { data, error, isPending } = useRolloutAnalysis(rolloutId, { enabled: gateCount !== null });
  const analysis = data?.analysis;
  const zone = useMemo(() => (typeof Intl === "undefined" ? "UTC" : Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  const byGate = useMemo(() => {
    const map = new Map<string, EvaluationJson[]>();
    for (const e of analysis?.evaluations ?? []) {
      const list = map.get(e.gate);
      if (list) list.push(e);
      else map.set(e.gate, [e]);
    }
    for (const [gate, list] of map) map.set(gate, list.slice(-STRIP_CELLS));
    return map;
  }, [analysis?.evaluations]);

  if (gateCount !== null && isPending) {
    return (
      <section className="panel" aria-labelledby="analysis-heading" aria-busy="true" style={{ minHeight: reservedHeight(gateCount) }}>
        <h2 id="analysis-heading">Automated analysis</h2>
        <p className="muted">Loading the gates…</p>
      </section>
    );
  }
  if (error) {
    return (
      <section className="panel" aria-labelledby="analysis-heading">
        <h2 id="analysis-heading">Automated analysis</h2>
        <p className="banner banner-warn" role="alert">
          Could not load the analysis: {(error as Error).message}
        </p>
      </section>
    );
  }
  if (!analysis) {
    return (
      <section className="panel" aria-labelledby="analysis-heading">
        <h2 id="analysis-heading">Automated analysis</h2>
        <p className="muted">Off: nothing happens unless someone acts. An admin can turn it on with {`{"analysis": {"mode": "observe"}}`} on this rollout.</p>
      </section>
    );
  }
  const { decision } = analysis;
  const acting = decision.action !== "none";
  return (
    <section className="panel analysis" aria-labelledby="analysis-heading">
      <h2 id="analysis-heading">Automated analysis</h2>
      <p>
        Mode <strong>{MODE_TEXT[analysis.mode]}</strong>. Every {analysis.intervalSeconds} s{analysis.derived ? ", with gates derived from the SLO" : ""}.
      </p>
      {analysis.stale && analysis.lastEvaluatedAt ? (
        <p className="banner banner-warn" role="alert">
          No evaluation since <LocalTime iso={analysis.lastEvaluatedAt} />: the analysis loop has not run for this rollout for over{" "}
          {STALE_INTERVALS * analysis.intervalSeconds} s. The verdicts below are stale, and nothing advances or rolls back on its own until it runs again. Check
          that an Aviary server is running and reaches Prometheus and the database.
        </p>
      ) : null}
      {analysis.waitingForBudget ? (
        <p className="banner banner-warn" role="status">
          Analysis is {analysis.waitingForBudget.reason} (waiting since <LocalTime iso={analysis.waitingForBudget.since} />
          ).
        </p>
      ) : null}
      <p className={acting ? "banner banner-error" : "analysis-decision"} role="status" aria-live="polite">
        {analysis.stale ? "Once it runs again: " : null}
        {acting ? (decision.enforce ? `Acting: ${decision.action}. ` : `Would ${decision.action} (observe only). `) : analysis.stale ? null : "Now: "}
        {decision.reason}
      </p>
      <table className="analysis-gates">
        <caption className="sr-only">Gates, their latest verdict and their recent evaluations</caption>
        <thead>
          <tr>
            <th scope="col">Gate</th>
            <th scope="col">Latest</th>
            <th scope="col">Value / limit</th>
            <th scope="col">Why</th>
            <th scope="col">Recent evaluations (oldest left)</th>
          </tr>
        </thead>
        <tbody>
          {analysis.gates.map((gate) => {
            const latest = analysis.latest[gate.id] ?? null;
            return (
              <tr key={gate.id}>
                <th scope="row">
                  {gate.id}
                  <div className="muted analysis-note">
                    {gate.window} window{gate.unit ? ` · in ${UNIT_TEXT[gate.unit] ?? gate.unit}` : ""} · acts after {gate.failureLimit} failure
                    {gate.failureLimit === 1 ? "" : "s"}
                  </div>
                </th>
                <td>
                  {latest ? <span className={`badge verdict-cell-badge verdict-cell-${latest.verdict}`}>{VERDICT_TEXT[latest.verdict]}</span> : "not yet"}
                </td>
                <td className="numeric">{latest ? `${formatValue(latest.value, latest.unit)} / ${formatValue(latest.threshold, latest.unit)}` : "–"}</td>
                <td className="analysis-reason">
                  {latest ? (
                    <>
                      {latest.reason}{" "}
                      <span className="muted analysis-note">
                        (<LocalTime iso={latest.at} />)
                      </span>
                      <ShownQuery evaluation={latest} />
                    </>
                  ) : (
                    "waiting for the first evaluation"
                  )}
                </td>
                <td>
                  <VerdictStrip gate={gate.id} evaluations={byGate.get(gate.id) ?? []} zone={zone} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {demoFaults ? <DemoFaultControls rolloutId={rolloutId} /> : null}
    </section>
  );
}
