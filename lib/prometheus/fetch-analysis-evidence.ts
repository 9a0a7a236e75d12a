import { errorRateScanWindows, type Gate, type GateOf } from "../domain/analysis/definition";
import { burnCapFor, type GateEvaluation } from "../domain/analysis/evaluate";
import { durationSeconds } from "../domain/analysis/promql-template";
import { MULTIWINDOW_CONDITIONS } from "../domain/slo";
import type { PrometheusClient } from "./client";
import { attempt, judgeEvidence, promqlEvidence, unreachable, type GateEvidence, type ShownQuery } from "./custom-gate-evidence";
import { burnConditionQueries, type BurnConditions } from "./burn-condition-queries";
import { fetchBurnRatesWith, type OverviewBurnInputs } from "./fetch-overview-burn-rates";
import { fetchGroupedParts, type GroupedPart, type RolloutPart } from "./grouped-instant";
import { anyOfRegex, labelMatcher } from "./promql";
import { baseMatchers, NAMESPACE_LABEL, type ResolvedTargets, type RolloutTargets } from "./selector";
import { windowEvidence } from "./window-evidence";
import { canarySharePercentExpr, errorPercentExpr, quantileExpr, requestRateExpr, requestsExpr, type GroupedOptions } from "./sli-queries";

export type { GateEvidence, ShownQuery };

/**
 * One analysed rollout: where its series are, the gates it runs, the canary weight Aviary set and
 * when the rollout was created (burn windows reaching further back hold other rollouts' traffic).
 */
export type EvidenceRequest = { targets: RolloutTargets; gates: readonly Gate[]; setWeight: number; createdAt?: Date };

/**
 * The parts of one window's grouped queries: whole counts (`counted`, for the binomial tests, not
 * increase()) in one query, quantiles in another (always both: the query budget counts two per
 * window). Each gate's value is itself a part (the error share, the quantile, the request rate),
 * so the query shown beside a verdict is one the loop sent and read, and returns the stored value.
 */
function windowParts(window: string, kinds: ReadonlySet<Gate["kind"]>): GroupedPart[] {
  const counted = (name: string, at: string): GroupedPart[] => [
    { name: `requests${name}`, batch: 0, expr: (g: GroupedOptions) => requestsExpr({ ...g, window: at, fn: "counted" }) },
  ];
  const share = (name: string, at: string): GroupedPart => ({ name: `errorRate${name}`, batch: 0, expr: (g) => errorPercentExpr({ ...g, window: at }) });
  const parts = counted("", window);
  if (kinds.has("errorRate")) {
    parts.push(share("", window));
    // The canary's counts over the gate's shorter scan windows ride in the same query.
    for (const short of errorRateScanWindows(window)) parts.push(...counted(`@${short}`, short), share(`@${short}`, short));
  }
  if (kinds.has("requestRate")) parts.push({ name: "requestRate", batch: 0, expr: (g) => requestRateExpr({ ...g, seconds: durationSeconds(window) ?? 1 }) });
  parts.push({ name: "p95", batch: 1, expr: (g) => quantileExpr({ ...g, q: 0.95 }) }, { name: "p99", batch: 1, expr: (g) => quantileExpr({ ...g, q: 0.99 }) });
  return parts;
}

/** The split gate's value per rollout that has one: its canary's share of its two workloads' counts. */
function splitParts(window: string, rollouts: ReadonlySet<number> | undefined): RolloutPart[] {
  if (!rollouts) return [];
  const expr = (r: ResolvedTargets) =>
    canarySharePercentExpr({
      matchers: baseMatchers({ namespaceMatcher: labelMatcher(NAMESPACE_LABEL, "=", r.namespace), extraMatchers: r.extraMatchers }),
      canary: labelMatcher(r.label, "=", r.canary),
      both: labelMatcher(r.label, "=~", anyOfRegex([r.stable, r.canary])),
      window,
    });
  return [{ name: "split", batch: 0, rollouts, expr }];
}

/** The query that produced an evaluation's value: its deciding window's or condition's when it names one. */
export function shownQuery(evidence: GateEvidence, evaluation: Pick<GateEvaluation, "window" | "condition">): ShownQuery | null {
  const decider = evaluation.window ?? evaluation.condition;
  return (decider === undefined ? undefined : evidence.byDecider?.[decider]) ?? evidence.query;
}

/**
 * The evidence for every gate of every analysed rollout at `time`. The built-in gates share
 * grouped queries (fetchGroupedParts, fetchOverviewBurnRates, fetchBurnConditions): their number
 * depends on the distinct windows the gates use, not on the number of rollouts. Custom PromQL and
 * judge gates are queried per rollout (their templates cannot be grouped). A Prometheus failure
 * makes the gates that needed that query inconclusive ("unreachable"); it never throws.
 */
export async function fetchAnalysisEvidence(
  client: PrometheusClient,
  requests: readonly EvidenceRequest[],
  { time }: { time: Date },
): Promise<GateEvidence[][]> {
  const targets = requests.map((r) => r.targets);
  const kindsByWindow = new Map<string, Set<Gate["kind"]>>();
  const splitsByWindow = new Map<string, Set<number>>();
  const burnGates = new Map<number, GateOf<"burnRate">>();
  requests.forEach(({ gates }, index) => {
    for (const gate of gates) {
      if (gate.kind === "burnRate") burnGates.set(index, burnGates.get(index) ?? gate);
      else if (gate.kind !== "promql" && gate.kind !== "judge") kindsByWindow.set(gate.window, (kindsByWindow.get(gate.window) ?? new Set()).add(gate.kind));
      if (gate.kind === "split") splitsByWindow.set(gate.window, (splitsByWindow.get(gate.window) ?? new Set()).add(index));
    }
  });
  const ageOf = (request: EvidenceRequest) => (request.createdAt ? Math.max(0, (time.getTime() - request.createdAt.getTime()) / 1000) : undefined);
  // Only the rollouts with a burn gate; burnSlot maps a rollout to its place among them.
  const burned = [...burnGates.keys()];
  const burnSlot = new Map(burned.map((index, slot) => [index, slot]));
  const burnRequests = burned.map((i) => ({
    targets: requests[i]!.targets,
    availability: burnGates.get(i)!.availability,
    cap: burnCapFor(ageOf(requests[i]!)),
  }));
  const needsBurn = burned.length > 0;
  const [perWindow, burn] = await Promise.all([
    Promise.all(
      [...kindsByWindow].map(
        async ([window, kinds]) =>
          [
            window,
            await attempt(() =>
              fetchGroupedParts(client, targets, windowParts(window, kinds), { window, time, perRollout: splitParts(window, splitsByWindow.get(window)) }),
            ),
          ] as const,
      ),
    ),
    needsBurn
      ? attempt(async () => {
          const conditions = burnConditionQueries(burnRequests);
          const { inputs, answer } = await fetchBurnRatesWith(client, targets, { time, riders: conditions.exprs });
          return { ratios: inputs, conditions: conditions.read(answer) };
        })
      : Promise.resolve(null),
  ]);
  const byWindow = new Map(perWindow);

  return Promise.all(
    requests.map((request, index) =>
      Promise.all(
        request.gates.map(async (gate): Promise<GateEvidence> => {
          if (gate.kind === "burnRate") return burnEvidence(gate, burn, { index, slot: burnSlot.get(index) ?? -1 }, ageOf(request));
          if (gate.kind === "promql") return promqlEvidence(client, gate, request.targets, time);
          if (gate.kind === "judge") return judgeEvidence(client, gate, request.targets, time);
          return windowEvidence(gate, byWindow.get(gate.window), index, request.setWeight);
        }),
      ),
    ),
  );
}

type BurnFetched = { ok: true; value: { ratios: OverviewBurnInputs[]; conditions: BurnConditions } } | { ok: false; message: string };

/** `index`: the rollout's place in the request; `slot`: its place in the burn-condition query's. */
function burnEvidence(
  gate: GateOf<"burnRate">,
  burn: BurnFetched | null,
  { index, slot }: { index: number; slot: number },
  ageSeconds: number | undefined,
): GateEvidence {
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
}
