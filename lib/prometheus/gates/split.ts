import { anyOfRegex, labelMatcher } from "../promql";
import { baseMatchers, NAMESPACE_LABEL } from "../selector";
import { canarySharePercentExpr } from "../sli-queries";
import { windowReader } from "../window-evidence";
import type { GateQueries } from "./entry";

/**
 * The split gate's value is its canary's share of its two workloads' counts: it pairs one
 * rollout's own workloads, so it is a part of its own in the window's count query (one series).
 */
export const splitQueries: GateQueries<"split"> = {
  source: "window",
  rolloutParts: (window) => [
    {
      name: "split",
      batch: 0,
      expr: (r) =>
        canarySharePercentExpr({
          matchers: baseMatchers({ namespaceMatcher: labelMatcher(NAMESPACE_LABEL, "=", r.namespace), extraMatchers: r.extraMatchers }),
          canary: labelMatcher(r.label, "=", r.canary),
          both: labelMatcher(r.label, "=~", anyOfRegex([r.stable, r.canary])),
          window,
        }),
    },
  ],
  read(_gate, answer) {
    const w = windowReader(answer);
    const split = w.ofRollout("split");
    const query = split?.expr === undefined ? null : { text: split.expr, series: null };
    const missing = w.missing();
    if (missing) return { observation: missing, query };
    const canary = w.counts("canary");
    const stable = w.counts("stable");
    if (!canary && !stable) return { observation: { status: "no_data" }, query };
    const total = (canary?.requests ?? 0) + (stable?.requests ?? 0);
    // The canary's count is the share's (whole counts agree with it; rounding guards float noise).
    const share = split?.value;
    const canaryRequests = typeof share === "number" ? Math.round((share * total) / 100) : (canary?.requests ?? 0);
    return { observation: { status: "ok", data: { setWeight: answer.setWeight, canaryRequests, stableRequests: total - canaryRequests } }, query };
  },
};
