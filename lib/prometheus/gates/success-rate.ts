import { renderTemplate } from "../../domain/analysis/promql-template";
import { attempt, instantValue, templateArgs, unreachable } from "../custom-gate-evidence";
import type { GateQueries } from "./entry";

/**
 * A success-rate gate: its template (a ratio of good requests, for the canary) sent as
 * `100 * (template)`, so the text stored and shown beside the verdict returns the percentage
 * stored, run alone at the evaluation's time. 0/0 reads NaN: no data, never a pass.
 */
export const successRateQueries: GateQueries<"successRate"> = {
  source: "own",
  async fetch(client, gate, targets, time) {
    const text = `100 * (${renderTemplate(gate.query, templateArgs(targets, gate.window, gate.args, targets.canary))})`;
    const query = { text, series: null };
    const fetched = await attempt(() => instantValue(client, text, time));
    if (!fetched.ok) return { observation: unreachable(fetched.message), query };
    if (fetched.value === null) return { observation: { status: "no_data" }, query };
    return { observation: { status: "ok", data: { canaryPercent: fetched.value } }, query };
  },
};
