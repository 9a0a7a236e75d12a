import { durationSeconds } from "../../domain/analysis/promql-template";
import { requestRateExpr } from "../sli-queries";
import { windowReader, withStable } from "../window-evidence";
import type { GateQueries } from "./entry";

/** Requests per second from the window's whole counts: a part of the window's count query. */
export const requestRateQueries: GateQueries<"requestRate"> = {
  source: "window",
  parts: (window) => [{ name: "requestRate", batch: 0, expr: (g) => requestRateExpr({ ...g, seconds: durationSeconds(window) ?? 1 }) }],
  read(_gate, answer) {
    const w = windowReader(answer);
    const query = w.shown("requestRate");
    const missing = w.missing();
    if (missing) return { observation: missing, query };
    const canary = w.sample("canary", "requestRate");
    if (!canary) return { observation: { status: "no_data" }, query };
    return { observation: { status: "ok", data: withStable({ canary, stable: w.sample("stable", "requestRate") }) }, query };
  },
};
