import { GATE_KINDS, type Gate, type GateKind, type GateOf } from "../domain/analysis/definition";
import { burnCapFor, type GateEvaluation } from "../domain/analysis/evaluate";
import type { PrometheusClient } from "./client";
import { attempt, type ShownQuery } from "./custom-gate-evidence";
import { burnConditionQueries } from "./burn-condition-queries";
import { fetchBurnRatesWith } from "./fetch-overview-burn-rates";
import type { BurnFetched, Found, WindowAnswer } from "./gates/entry";
import { GATE_QUERIES, queriesOf, type GateEvidence, type GateEvidenceOf } from "./gates";
import { fetchGroupedParts, type GroupedPart, type RolloutPart } from "./grouped-instant";
import type { RolloutTargets } from "./selector";
import { quantileExpr, requestsExpr } from "./sli-queries";

export type { GateEvidence, ShownQuery };

/**
 * One analysed rollout: where its series are, the gates it runs, the canary weight Aviary set and
 * when the rollout was created (burn windows reaching further back hold other rollouts' traffic).
 */
export type EvidenceRequest = { targets: RolloutTargets; gates: readonly Gate[]; setWeight: number; createdAt?: Date };

/**
 * The parts of one window's grouped queries: whole counts (`counted`, for the binomial tests, not
 * increase()) in one query, quantiles in another (always both: the query budget counts two per
 * window), and between them the parts the window's gate kinds add (lib/prometheus/gates), in the
 * registry's order. Each gate's value is itself a part, so the query shown beside a verdict is
 * one the loop sent and read, and returns the stored value.
 */
function windowParts(window: string, kinds: ReadonlySet<GateKind>): GroupedPart[] {
  const added = GATE_KINDS.flatMap((kind) => {
    const queries = GATE_QUERIES[kind];
    return kinds.has(kind) && queries.source === "window" ? (queries.parts?.(window) ?? []) : [];
  });
  return [
    { name: "requests", batch: 0, expr: (g) => requestsExpr({ ...g, window, fn: "counted" }) },
    ...added,
    { name: "p95", batch: 1, expr: (g) => quantileExpr({ ...g, q: 0.95 }) },
    { name: "p99", batch: 1, expr: (g) => quantileExpr({ ...g, q: 0.99 }) },
  ];
}

/** The query that produced an evaluation's value: its deciding window's or condition's when it names one. */
export function shownQuery(evidence: Pick<GateEvidence, "query" | "byDecider">, evaluation: Pick<GateEvaluation, "window" | "condition">): ShownQuery | null {
  const decider = evaluation.window ?? evaluation.condition;
  return (decider === undefined ? undefined : evidence.byDecider?.[decider]) ?? evidence.query;
}

type Window = { kinds: Set<GateKind>; rolloutParts: Map<string, RolloutPart & { rollouts: Set<number> }> };

/**
 * The evidence for every gate of every analysed rollout at `time`, each tied to its gate. The
 * built-in gates share grouped queries (one set per distinct window, and one burn-rate query):
 * their number depends on the distinct windows the gates use, not on the number of rollouts.
 * Template gates are queried per rollout. A Prometheus failure makes the gates that needed that
 * query inconclusive ("unreachable"); it never throws.
 */
export async function fetchAnalysisEvidence(
  client: PrometheusClient,
  requests: readonly EvidenceRequest[],
  { time }: { time: Date },
): Promise<GateEvidence[][]> {
  const targets = requests.map((r) => r.targets);
  const windows = new Map<string, Window>();
  const availability = new Map<number, number>(); // the first burn-rate gate's, per rollout
  requests.forEach(({ gates }, index) => {
    for (const gate of gates) {
      const queries = queriesOf(gate);
      if (queries.source === "burn") {
        if (!availability.has(index)) availability.set(index, queries.availability(gate));
      } else if (queries.source === "window") {
        const window = windows.get(gate.window) ?? { kinds: new Set(), rolloutParts: new Map() };
        windows.set(gate.window, window);
        window.kinds.add(gate.kind);
        for (const part of queries.rolloutParts?.(gate.window) ?? []) {
          const entry = window.rolloutParts.get(part.name) ?? { ...part, rollouts: new Set<number>() };
          window.rolloutParts.set(part.name, entry);
          entry.rollouts.add(index);
        }
      }
    }
  });
  const ageOf = (request: EvidenceRequest) => (request.createdAt ? Math.max(0, (time.getTime() - request.createdAt.getTime()) / 1000) : undefined);
  // Only the rollouts with a burn gate; burnSlot maps a rollout to its place among them.
  const burned = [...availability.keys()];
  const burnSlot = new Map(burned.map((index, slot) => [index, slot]));
  const burnRequests = burned.map((i) => ({ targets: requests[i]!.targets, availability: availability.get(i)!, cap: burnCapFor(ageOf(requests[i]!)) }));
  const [perWindow, burn] = await Promise.all([
    Promise.all(
      [...windows].map(
        async ([window, { kinds, rolloutParts }]) =>
          [
            window,
            await attempt(() => fetchGroupedParts(client, targets, windowParts(window, kinds), { window, time, perRollout: [...rolloutParts.values()] })),
          ] as const,
      ),
    ),
    burned.length > 0
      ? attempt(async () => {
          const conditions = burnConditionQueries(burnRequests);
          const { inputs, answer } = await fetchBurnRatesWith(client, targets, { time, riders: conditions.exprs });
          return { ratios: inputs, conditions: conditions.read(answer) };
        })
      : Promise.resolve(null),
  ]);
  const byWindow = new Map(perWindow);

  const evidenceOf = async <K extends GateKind>(gate: GateOf<K>, request: EvidenceRequest, index: number): Promise<GateEvidenceOf<K>> => {
    const found = await fetchOne(gate, {
      client,
      time,
      targets: request.targets,
      window: { fetched: byWindow.get(gate.window), index, setWeight: request.setWeight },
      burn: { fetched: burn, index, slot: burnSlot.get(index) ?? -1, ageSeconds: ageOf(request) },
    });
    // Found<K> with GateOf<K> is the K member of the union; TypeScript resolves a mapped type
    // indexed by a generic K as the intersection of all members, so it needs saying.
    return { ...found, gate } as GateEvidenceOf<K>;
  };
  return Promise.all(requests.map((request, index) => Promise.all(request.gates.map((gate) => evidenceOf(gate, request, index)))));
}

type FetchContext = {
  client: PrometheusClient;
  time: Date;
  targets: RolloutTargets;
  window: WindowAnswer;
  burn: { fetched: BurnFetched | null; index: number; slot: number; ageSeconds: number | undefined };
};

/** One gate's evidence through its kind's queries: read from the shared answers, or fetched for it alone. */
async function fetchOne<K extends GateKind>(gate: GateOf<K>, context: FetchContext): Promise<Found<K>> {
  const queries = queriesOf(gate);
  if (queries.source === "window") return queries.read(gate, context.window);
  if (queries.source === "burn") return queries.read(gate, context.burn);
  return queries.fetch(context.client, gate, context.targets, context.time);
}
