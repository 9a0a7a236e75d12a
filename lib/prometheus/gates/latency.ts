import type { GateKind } from "../../domain/analysis/definition";
import { windowReader, withStable } from "../window-evidence";
import type { GateQueries } from "./entry";

/** A quantile gate reads its part (p95, p99) of the window's quantile query, which every window sends anyway (its base parts). */
const quantileQueries = <K extends Extract<GateKind, "latencyP95" | "latencyP99">>(part: "p95" | "p99"): GateQueries<K> => ({
  source: "window",
  read(_gate, answer) {
    const w = windowReader(answer);
    const query = w.shown(part);
    const missing = w.missing();
    if (missing) return { observation: missing, query };
    const canary = w.sample("canary", part);
    if (!canary) return { observation: { status: "no_data" }, query };
    return { observation: { status: "ok", data: withStable({ canary, stable: w.sample("stable", part) }) }, query };
  },
});

export const latencyP95Queries = quantileQueries<"latencyP95">("p95");
export const latencyP99Queries = quantileQueries<"latencyP99">("p99");
