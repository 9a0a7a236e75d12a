import { errorRateScanWindows, type Gate } from "../domain/analysis/definition";
import { unreachable, type GateEvidence, type ShownQuery } from "./custom-gate-evidence";
import type { GroupedValues } from "./grouped-instant";

type Fetched = { ok: true; value: GroupedValues } | { ok: false; message: string };
type Side = "canary" | "stable";

/** The part each windowed gate's value is, so its shown query is the one that computed it. */
const VALUE_PART: Partial<Record<Gate["kind"], string>> = {
  errorRate: "errorRate",
  latencyP95: "p95",
  latencyP99: "p99",
  requestRate: "requestRate",
};

/**
 * One windowed gate's evidence from its window's grouped parts (see windowParts), and the query
 * that produced its value: the part's expression for the rollout's group, verbatim as sent, with
 * the labels of the canary's series in its answer.
 */
export function windowEvidence(gate: Gate, fetched: Fetched | undefined, index: number, setWeight: number): GateEvidence {
  const values = fetched?.ok ? fetched.value : null;
  const shown = (part: string): ShownQuery | null => {
    const text = values?.expr(index, part);
    if (text === undefined) return null;
    return { text, series: values?.series(index, "canary") ?? null };
  };
  const valuePart = VALUE_PART[gate.kind] ?? "requests";
  // The split gate's share pairs one rollout's two workloads: a part of its own (splitParts), one series.
  const split = gate.kind === "split" ? values?.ofRollout(index, "split") : undefined;
  const query = split ? (split.expr === undefined ? null : { text: split.expr, series: null }) : shown(valuePart);
  const byDecider =
    gate.kind === "errorRate"
      ? Object.fromEntries(errorRateScanWindows(gate.window).flatMap((short) => (shown(`errorRate@${short}`) ? [[short, shown(`errorRate@${short}`)!]] : [])))
      : undefined;
  const result = (observation: GateEvidence["observation"]): GateEvidence => ({ observation, query, ...(byDecider ? { byDecider } : {}) });
  if (!fetched) return result({ status: "no_data" });
  if (!fetched.ok) return result(unreachable(fetched.message));
  const get = (side: Side, part: string) => fetched.value.get(index, side, part);
  const counts = (side: Side, suffix = "") => {
    const requests = get(side, `requests${suffix}`);
    if (requests === undefined || requests === null) return undefined;
    // Whole counts already (counted); rounding only guards against float noise. The errors are the
    // error share's: the gate's value is that part's, and its counts agree with it.
    const share = get(side, `errorRate${suffix}`);
    const errors = typeof share === "number" ? Math.round((share * requests) / 100) : 0;
    return { requests: Math.max(Math.round(requests), errors), errors };
  };
  const canary = counts("canary");
  const stable = counts("stable");
  const sample = (side: Side, part: string) => {
    const sideCounts = side === "canary" ? canary : stable;
    return sideCounts ? { value: get(side, part) ?? null, requests: sideCounts.requests } : undefined;
  };
  const withStable = <T>(data: { canary: T; stable?: T | undefined }) => (data.stable === undefined ? { canary: data.canary } : data);
  switch (gate.kind) {
    case "errorRate": {
      if (!canary) return result({ status: "no_data" });
      const recent = errorRateScanWindows(gate.window).flatMap((short) => {
        const shortCounts = counts("canary", `@${short}`);
        return shortCounts ? [{ window: short, canary: shortCounts }] : [];
      });
      return result({ status: "ok", data: { ...withStable({ canary, stable }), ...(recent.length > 0 ? { recent } : {}) } });
    }
    case "latencyP95":
    case "latencyP99":
    case "requestRate": {
      const canarySample = sample("canary", valuePart);
      return result(canarySample ? { status: "ok", data: withStable({ canary: canarySample, stable: sample("stable", valuePart) }) } : { status: "no_data" });
    }
    case "split": {
      if (!canary && !stable) return result({ status: "no_data" });
      const total = (canary?.requests ?? 0) + (stable?.requests ?? 0);
      // The canary's count is the share's (whole counts agree with it; rounding guards float noise).
      const share = split?.value;
      const canaryRequests = typeof share === "number" ? Math.round((share * total) / 100) : (canary?.requests ?? 0);
      return result({ status: "ok", data: { setWeight, canaryRequests, stableRequests: total - canaryRequests } });
    }
    default:
      return result({ status: "no_data" });
  }
}
