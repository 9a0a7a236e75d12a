import { errorRateScanWindows } from "../../domain/analysis/definition";
import { errorPercentExpr, requestsExpr } from "../sli-queries";
import { windowReader, withStable } from "../window-evidence";
import type { GateQueries } from "./entry";

/**
 * The error gate's value is the error share part (whole counts, see errorPercentExpr); the canary's
 * counts and shares over its shorter scan windows ride in the same query, and the scan that
 * decided is the query shown when it is the one that failed.
 */
export const errorRateQueries: GateQueries<"errorRate"> = {
  source: "window",
  parts: (window) => [
    { name: "errorRate", batch: 0, expr: (g) => errorPercentExpr({ ...g, window }) },
    ...errorRateScanWindows(window).flatMap((short) => [
      { name: `requests@${short}`, batch: 0, expr: (g: Parameters<typeof requestsExpr>[0]) => requestsExpr({ ...g, window: short, fn: "counted" }) },
      { name: `errorRate@${short}`, batch: 0, expr: (g: Parameters<typeof errorPercentExpr>[0]) => errorPercentExpr({ ...g, window: short }) },
    ]),
  ],
  read(gate, answer) {
    const w = windowReader(answer);
    const query = w.shown("errorRate");
    const byDecider = Object.fromEntries(
      errorRateScanWindows(gate.window).flatMap((short) => {
        const shown = w.shown(`errorRate@${short}`);
        return shown ? [[short, shown]] : [];
      }),
    );
    const missing = w.missing();
    if (missing) return { observation: missing, query, byDecider };
    const canary = w.counts("canary");
    if (!canary) return { observation: { status: "no_data" }, query, byDecider };
    const recent = errorRateScanWindows(gate.window).flatMap((short) => {
      const counts = w.counts("canary", `@${short}`);
      return counts ? [{ window: short, canary: counts }] : [];
    });
    const data = { ...withStable({ canary, stable: w.counts("stable") }), ...(recent.length > 0 ? { recent } : {}) };
    return { observation: { status: "ok", data }, query, byDecider };
  },
};
