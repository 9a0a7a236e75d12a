import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { destinationMetricLabel } from "../domain/notifications/destinations/registry";
import { ROLLOUT_ACTIONS } from "../domain/rollout-actions";
import { log } from "../log";

/**
 * Aviary's own metrics (served on /metrics, see app/metrics/route.ts): what it did and how its
 * dependencies answered. One registry per process, built in the composition root (deps.ts), never
 * prom-client's global one, so tests and benchmarks can build their own.
 *
 * Labels are bounded on purpose: action names, outcomes, error codes, gate kinds, endpoint and
 * verb names, configured cluster names. Never a rollout id or name, a namespace or a request id:
 * those grow with use, and each value is a new series in every scraping Prometheus.
 *
 * To add one (e.g. notification deliveries): declare it in createOwnMetrics with the same
 * `registers: [registry]`, expose it on OwnMetrics, and record it where the work happens through
 * deps.metrics.
 */
export type OwnMetrics = {
  readonly registry: Registry;
  /** Every action attempt (a person's or the analysis loop's), once, when it ends. */
  action(entry: { action: string; outcome: ActionOutcome; code: string | null; seconds: number }): void;
  /** One gate evaluation by the analysis loop. */
  evaluation(entry: { kind: string; verdict: string }): void;
  /** What the analysis loop did about a decision that asked for an action. */
  analysisAction(entry: { action: string; result: "done" | "superseded" | "failed" }): void;
  /** One pass's query budget: the budget, the queries its plan spends, the due rollouts it left for later. */
  analysisBudget(entry: { budget: number; planned: number; deferred: number }): void;
  /** One pass of a background task (lib/background): ok, or failed (it threw and requeues with backoff). */
  taskRun(entry: { task: string; outcome: "ok" | "failed"; seconds: number }): void;
  /** Whether this process leads a leader-elected background task now. */
  taskLeader(entry: { task: string; leader: boolean }): void;
  /** An HTTP call to Prometheus (lib/prometheus/client.ts). */
  prometheusCall(entry: { endpoint: string; outcome: string; seconds: number }): void;
  /** An HTTP call to a cluster's API server (lib/kube). */
  kubeCall(entry: { cluster: string; verb: string; outcome: string; seconds: number }): void;
  /** One notification delivery attempt (lib/server/notifications): delivered, retrying, or failed for good. */
  notificationDelivery(entry: { kind: string; result: "delivered" | "retrying" | "failed"; seconds: number }): void;
};

/** ok: done; refused: Aviary declined (validation, state, revision, drift...); failed: it tried and could not. */
export type ActionOutcome = "ok" | "refused" | "failed";

export type OwnMetricsOptions = {
  registry?: Registry;
  /** The Prometheus client's calls in flight and waiting for a slot, read when scraped (undefined: no client built yet, all 0). */
  prometheusLoad?: () => { inFlight: number; queued: number; limit: number } | undefined;
  /** The audit chain's newest event id, read when scraped (null: no events yet). */
  auditHead?: () => Promise<bigint | number | string | null>;
  /** process_* and nodejs_* (CPU, memory, event-loop lag, GC): on in the server, off in tests by default. */
  defaultMetrics?: boolean;
};

// Actions take from a few ms (pause) to tens of seconds (a rollback retrying through conflicts).
const ACTION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
// Calls to Prometheus and the API server: milliseconds normally, up to their 5 s timeouts.
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const KNOWN_ACTIONS = new Set<string>(ROLLOUT_ACTIONS);

export function createOwnMetrics({ registry = new Registry(), auditHead, prometheusLoad, defaultMetrics = false }: OwnMetricsOptions = {}): OwnMetrics {
  const registers = [registry];
  if (defaultMetrics) collectDefaultMetrics({ register: registry });

  const actions = new Counter({
    name: "aviary_actions_total",
    help: "Rollout actions attempted (start, promote, rollback, ...), by people and the analysis loop, by outcome and error code.",
    labelNames: ["action", "outcome", "code"] as const,
    registers,
  });
  const actionSeconds = new Histogram({
    name: "aviary_action_duration_seconds",
    help: "How long an action took, lock wait and cluster writes included.",
    labelNames: ["action", "outcome"] as const,
    buckets: ACTION_BUCKETS,
    registers,
  });
  const evaluations = new Counter({
    name: "aviary_analysis_evaluations_total",
    help: "Analysis gate evaluations, by gate kind and verdict (pass, fail, inconclusive).",
    labelNames: ["kind", "verdict"] as const,
    registers,
  });
  const analysisActions = new Counter({
    name: "aviary_analysis_actions_total",
    help: "Actions the analysis loop decided on (rollback, promote) and what became of them: done, superseded (a person acted first) or failed.",
    labelNames: ["action", "result"] as const,
    registers,
  });
  const taskRuns = new Counter({
    name: "aviary_background_task_runs_total",
    help: "Passes of each background task (analysis, notifications, reconcile, audit-head, prune-*), by outcome: ok, or failed (requeued with backoff).",
    labelNames: ["task", "outcome"] as const,
    registers,
  });
  const taskSeconds = new Histogram({
    name: "aviary_background_task_duration_seconds",
    help: "How long one pass of a background task took, by task and outcome.",
    labelNames: ["task", "outcome"] as const,
    buckets: ACTION_BUCKETS,
    registers,
  });
  const taskLeader = new Gauge({
    name: "aviary_background_task_leader",
    help: "1 if this process leads the leader-elected background task (one replica at a time per lock), else 0.",
    labelNames: ["task"] as const,
    registers,
  });
  // The analysis series from before the shared runner, kept for the dashboards and alerts that read them.
  const iterations = new Histogram({
    name: "aviary_analysis_iteration_duration_seconds",
    help: "One pass of the analysis loop as leader (pick, fetch evidence, evaluate, store, act), by outcome.",
    labelNames: ["outcome"] as const,
    buckets: ACTION_BUCKETS,
    registers,
  });
  const leader = new Gauge({
    name: "aviary_analysis_leader",
    help: "1 if this process holds the analysis loop's leader lock (one replica at a time), else 0.",
    registers,
  });
  leader.set(0);
  const budget = new Gauge({
    name: "aviary_analysis_query_budget",
    help: "Prometheus queries one analysis pass may send (AVIARY_ANALYSIS_QUERY_BUDGET); set by the leader's passes.",
    registers,
  });
  const planned = new Gauge({
    name: "aviary_analysis_queries_planned",
    help: "Queries the latest analysis pass planned within its budget (grouped built-in queries counted once; above the budget only for a rollout that alone needs more).",
    registers,
  });
  const deferred = new Gauge({
    name: "aviary_analysis_rollouts_deferred",
    help: "Due rollouts the latest analysis pass left for the next one for lack of query budget.",
    registers,
  });
  const deferrals = new Counter({
    name: "aviary_analysis_deferrals_total",
    help: "Rollouts left for a later analysis pass for lack of query budget, counted once per pass.",
    registers,
  });
  if (prometheusLoad) {
    const read = (key: "inFlight" | "queued" | "limit") =>
      function (this: Gauge) {
        // No client built yet: nothing in flight or queued, and no limit in force.
        this.set(prometheusLoad()?.[key] ?? 0);
      };
    new Gauge({
      name: "aviary_prometheus_requests_in_flight",
      help: "HTTP calls to Prometheus under way now (every caller: pages, overview, analysis).",
      registers,
      collect: read("inFlight"),
    });
    new Gauge({
      name: "aviary_prometheus_requests_queued",
      help: "HTTP calls to Prometheus waiting for one of the concurrency limit's slots now.",
      registers,
      collect: read("queued"),
    });
    new Gauge({
      name: "aviary_prometheus_max_concurrency",
      help: "Calls to Prometheus allowed at once (AVIARY_PROMETHEUS_MAX_CONCURRENCY).",
      registers,
      collect: read("limit"),
    });
  }
  const prometheusCalls = new Histogram({
    name: "aviary_prometheus_request_duration_seconds",
    help: "HTTP calls to Prometheus by endpoint (query, query_range) and outcome (ok, unreachable, timeout, busy, http, bad_response, too_large, query); _count counts them.",
    labelNames: ["endpoint", "outcome"] as const,
    buckets: CALL_BUCKETS,
    registers,
  });
  const kubeCalls = new Histogram({
    name: "aviary_kube_request_duration_seconds",
    help: "Calls to a cluster's API server by cluster, verb (get, list, patch) and outcome (ok, conflict, transient, final); _count counts them.",
    labelNames: ["cluster", "verb", "outcome"] as const,
    buckets: CALL_BUCKETS,
    registers,
  });
  const notificationDeliveries = new Histogram({
    name: "aviary_notification_delivery_duration_seconds",
    help: "Notification delivery attempts by destination kind (slack, webhook, teams, google_chat) and result (delivered, retrying, failed: no more attempts); _count counts them.",
    labelNames: ["kind", "result"] as const,
    buckets: CALL_BUCKETS,
    registers,
  });
  if (auditHead) {
    new Gauge({
      name: "aviary_audit_chain_head_id",
      help: "The id of the newest audit event (the chain's head), read at scrape time; 0 when the log is empty. Compare with the head lines in the log.",
      registers,
      async collect() {
        try {
          const id = await auditHead();
          this.set(id === null ? 0 : Number(id));
        } catch (error) {
          // The rest of the scrape still answers; the series is absent until the database does.
          this.reset();
          log.warn("audit chain head could not be read for /metrics", { error });
        }
      },
    });
  }

  return {
    registry,
    action({ action, outcome, code, seconds }) {
      // A refused body may name any action: only the known ones become label values.
      const name = KNOWN_ACTIONS.has(action) ? action : "invalid";
      actions.inc({ action: name, outcome, code: code ?? "none" });
      actionSeconds.observe({ action: name, outcome }, seconds);
    },
    evaluation: ({ kind, verdict }) => evaluations.inc({ kind, verdict }),
    analysisAction: ({ action, result }) => analysisActions.inc({ action, result }),
    analysisBudget(entry) {
      budget.set(entry.budget);
      planned.set(entry.planned);
      deferred.set(entry.deferred);
      deferrals.inc(entry.deferred);
    },
    taskRun({ task, outcome, seconds }) {
      taskRuns.inc({ task, outcome });
      taskSeconds.observe({ task, outcome }, seconds);
      if (task === "analysis") iterations.observe({ outcome }, seconds);
    },
    taskLeader({ task, leader: leading }) {
      taskLeader.set({ task }, leading ? 1 : 0);
      if (task === "analysis") leader.set(leading ? 1 : 0);
    },
    prometheusCall({ endpoint, outcome, seconds }) {
      prometheusCalls.observe({ endpoint, outcome }, seconds);
    },
    kubeCall({ cluster, verb, outcome, seconds }) {
      kubeCalls.observe({ cluster, verb, outcome }, seconds);
    },
    notificationDelivery({ kind, result, seconds }) {
      notificationDeliveries.observe({ kind: destinationMetricLabel(kind), result }, seconds);
    },
  };
}
