import {
  BURN_WINDOWS,
  burnRates,
  errorBudget,
  errorBudgetRemaining,
  latencyBurnRates,
  MULTIWINDOW_CONDITIONS,
  multiwindowVerdict,
  P95_SLOW_SHARE_ALLOWED,
  SLO_PERIOD,
  type BurnVerdict,
  type WindowValues,
} from "./slo";

/**
 * From per-window counts to what the burn-rate panel and the overview badge show. The service
 * (stable + canary) is what the SLO is about; the canary is also judged alone, because at 5%
 * of traffic it can burn fast without moving the service's rate much.
 */

export type PeriodValues = WindowValues & { [SLO_PERIOD]: number | null };
export type ScopeCounts = { requests: PeriodValues; errors: PeriodValues; errorRatio: PeriodValues; slowShare: PeriodValues | null };

export type ScopeBurn = { errorRatio: WindowValues; burnRate: WindowValues; verdict: BurnVerdict };
export type LatencyBurn = { slowShare: WindowValues | null; burnRate: WindowValues | null };
export type VerdictStatus = BurnVerdict["status"];

export type BurnSummary = {
  /** The multiwindow conditions (14.4 over 1h/5m, 6 over 6h/30m, 1 over 3d/6h) the verdicts use. */
  conditions: typeof MULTIWINDOW_CONDITIONS;
  service: ScopeBurn;
  canary: ScopeBurn;
  latency: {
    thresholdMs: number;
    /** The histogram bound actually counted (the smallest bucket >= the threshold); null above all. */
    boundMs: number | null;
    allowedSlowShare: number;
    service: LatencyBurn;
    canary: LatencyBurn;
    stable: LatencyBurn;
  };
  budget: { period: typeof SLO_PERIOD; allowedErrorRatio: number; requests: number | null; errors: number | null; remaining: number | null };
};

const windowsOf = (values: PeriodValues): WindowValues => Object.fromEntries(BURN_WINDOWS.map((w) => [w, values[w]])) as WindowValues;

function scopeBurn(counts: ScopeCounts, availability: number): ScopeBurn {
  const errorRatio = windowsOf(counts.errorRatio);
  const burnRate = burnRates(errorRatio, availability);
  return { errorRatio, burnRate, verdict: multiwindowVerdict(burnRate) };
}

function latencyBurn(counts: ScopeCounts): LatencyBurn {
  if (!counts.slowShare) return { slowShare: null, burnRate: null };
  const slowShare = windowsOf(counts.slowShare);
  return { slowShare, burnRate: latencyBurnRates(slowShare) };
}

export function summarizeBurn({
  service,
  canary,
  stable,
  latencyBoundMs,
  slo,
}: {
  service: ScopeCounts;
  canary: ScopeCounts;
  stable: ScopeCounts;
  latencyBoundMs: number | null;
  slo: { availability: number; latencyP95Ms: number };
}): BurnSummary {
  return {
    conditions: MULTIWINDOW_CONDITIONS,
    service: scopeBurn(service, slo.availability),
    canary: scopeBurn(canary, slo.availability),
    latency: {
      thresholdMs: slo.latencyP95Ms,
      boundMs: latencyBoundMs,
      allowedSlowShare: P95_SLOW_SHARE_ALLOWED,
      service: latencyBurn(service),
      canary: latencyBurn(canary),
      stable: latencyBurn(stable),
    },
    budget: {
      period: SLO_PERIOD,
      allowedErrorRatio: errorBudget(slo.availability),
      requests: service.requests[SLO_PERIOD],
      errors: service.errors[SLO_PERIOD],
      remaining: errorBudgetRemaining({ errors: service.errors[SLO_PERIOD], requests: service.requests[SLO_PERIOD], availabilityPercent: slo.availability }),
    },
  };
}

const RANK: Record<VerdictStatus, number> = { no_data: 0, ok: 1, ticket: 2, page: 3 };

/** The more alarming of two verdicts, and whose it is; the service wins a tie. */
export function worstVerdict(service: VerdictStatus, canary: VerdictStatus): { status: VerdictStatus; scope: "service" | "canary" | null } {
  if (RANK[canary] > RANK[service] && (canary === "page" || canary === "ticket")) return { status: canary, scope: "canary" };
  if (service === "page" || service === "ticket") return { status: service, scope: "service" };
  return { status: RANK[canary] > RANK[service] ? canary : service, scope: null };
}

/** The latest non-null value of a series, for the "now" figures above each chart. */
export function latestValue(points: readonly { v: number | null }[]): number | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i]?.v;
    if (v !== null && v !== undefined) return v;
  }
  return null;
}
