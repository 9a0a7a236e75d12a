import { durationSeconds } from "../../domain/analysis/promql-template";
import { MULTIWINDOW_CONDITIONS } from "../../domain/slo";
import type { BurnConditions } from "../burn-condition-queries";
import { unreachable, type ShownQuery } from "../custom-gate-evidence";
import type { GateQueries } from "./entry";

/**
 * The burn-rate gate rides in the overview's long-window burn query; its value is a multiwindow
 * condition's figure, computed by the condition's own part (burn-condition-queries.ts), and the
 * condition that decided is the query shown.
 */
export const burnRateQueries: GateQueries<"burnRate"> = {
  source: "burn",
  availability: (gate) => gate.availability,
  read(gate, { fetched: burn, index, slot, ageSeconds }) {
    const queryOf = (conditions: BurnConditions | null, name: string): ShownQuery | null => {
      const text = conditions?.expr(slot, name);
      return text === undefined ? null : { text, series: conditions?.series(slot) ?? null };
    };
    const conditions = burn?.ok ? burn.value.conditions : null;
    const byDecider = Object.fromEntries(MULTIWINDOW_CONDITIONS.flatMap(({ name }) => (queryOf(conditions, name) ? [[name, queryOf(conditions, name)!]] : [])));
    const query = queryOf(conditions, MULTIWINDOW_CONDITIONS[0].name);
    if (!burn) return { observation: { status: "no_data" }, query };
    if (!burn.ok) return { observation: unreachable(burn.message), query };
    const canary = burn.value.ratios[index]?.canary;
    if (!canary || canary.requests["5m"] === null) return { observation: { status: "no_data" }, query, byDecider };
    const seconds = durationSeconds(gate.window) ?? 300;
    // The gate's own window decides how many requests count as enough; the 5m window is the nearest measured.
    const canaryRequests = (canary.requests["5m"] ?? 0) * Math.min(1, seconds / 300);
    const age = ageSeconds === undefined ? {} : { rolloutAgeSeconds: ageSeconds };
    const conditionBurnRates = Object.fromEntries(MULTIWINDOW_CONDITIONS.map(({ name }) => [name, burn.value.conditions.get(slot, name) ?? null]));
    return { observation: { status: "ok", data: { canaryErrorRatio: canary.errorRatio, canaryRequests, ...age, conditionBurnRates } }, query, byDecider };
  },
};
