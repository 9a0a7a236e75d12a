import type { Samples } from "../../domain/analysis/judge";
import { durationSeconds, renderTemplate } from "../../domain/analysis/promql-template";
import { toPoints } from "../../domain/series";
import { attempt, templateArgs, unreachable } from "../custom-gate-evidence";
import type { GateQueries } from "./entry";

/**
 * A judge gate: each metric's template as range queries over the window, canary then stable. The
 * score is the judge's, not any query's value; the text lists every query sent, one a line.
 */
export const judgeQueries: GateQueries<"judge"> = {
  source: "own",
  async fetch(client, gate, targets, time) {
    const window = gate.window;
    const seconds = durationSeconds(window) ?? 300;
    const start = new Date(time.getTime() - seconds * 1000);
    const stepSeconds = Math.max(5, Math.round(seconds / 60));
    const series = async (query: string) => {
      const data = await client.queryRange(query, { start, end: time, stepSeconds });
      if (data.resultType !== "matrix") return [];
      // A judge metric is one series per workload; a query answering with more is read by its first.
      return toPoints(data.result[0]?.values ?? [])
        .map((point) => point.v)
        .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    };
    const rendered = gate.metrics.map((metric) => ({
      name: metric.name,
      canary: renderTemplate(metric.query, templateArgs(targets, window, gate.args, targets.canary)),
      stable: renderTemplate(metric.query, templateArgs(targets, window, gate.args, targets.stable)),
    }));
    const query = { text: rendered.flatMap((m) => [m.canary, m.stable]).join("\n"), series: null };
    const fetched = await attempt(() =>
      Promise.all(
        rendered.map(async (m): Promise<[string, Samples]> => {
          const [canary, stable] = await Promise.all([series(m.canary), series(m.stable)]);
          return [m.name, { canary, stable }];
        }),
      ),
    );
    if (!fetched.ok) return { observation: unreachable(fetched.message), query };
    return { observation: { status: "ok", data: { metrics: Object.fromEntries(fetched.value) } }, query };
  },
};
