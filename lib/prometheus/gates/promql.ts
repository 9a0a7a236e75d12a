import { renderTemplate } from "../../domain/analysis/promql-template";
import { usesTarget } from "../../domain/analysis/gates/schema-parts";
import { attempt, instantValue, templateArgs, unreachable } from "../custom-gate-evidence";
import type { GateQueries } from "./entry";

/** A custom PromQL gate: the rendered template is sent as is, for the canary (and stable, when it names {{target}}). */
export const promqlQueries: GateQueries<"promql"> = {
  source: "own",
  async fetch(client, gate, targets, time) {
    const window = gate.window;
    const canaryQuery = renderTemplate(gate.query, templateArgs(targets, window, gate.args, targets.canary));
    const stableQuery = usesTarget(gate.query) ? renderTemplate(gate.query, templateArgs(targets, window, gate.args, targets.stable)) : null;
    const query = { text: canaryQuery, series: null };
    const fetched = await attempt(() => Promise.all([instantValue(client, canaryQuery, time), stableQuery ? instantValue(client, stableQuery, time) : null]));
    if (!fetched.ok) return { observation: unreachable(fetched.message), query };
    const [canary, stable] = fetched.value;
    if (canary === null) return { observation: { status: "no_data" }, query };
    return {
      observation: { status: "ok", data: stable === null ? { canary: { value: canary } } : { canary: { value: canary }, stable: { value: stable } } },
      query,
    };
  },
};
