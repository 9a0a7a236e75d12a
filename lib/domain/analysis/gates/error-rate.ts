import { z } from "zod";
import { binomialUpperTail } from "../stats";
import { durationSeconds } from "../promql-template";
import { WINDOW_QUERIES, type Counts, type GateKindEntry, type GateResult } from "./entry";
import { common, confidence, hasLimit, limits, needsLimit } from "./schema-parts";
import { formatP, formatPercent, formatProbability, formatWindow, needsStable, plural, tooFew } from "./verdict-text";

/**
 * The error-rate gate: the canary's 5xx share against a limit, as a significance test on whole counts.
 *
 * Why these defaults (5 s scrapes, 5 s evaluations; simulated in simulation.test.ts):
 * a gate's verdict weighs its evidence. The error-rate gate fails only when the canary's error
 * count is improbable under the threshold: a one-sided exact binomial test, P(X >= errors | n
 * requests, p = max) < 1 - confidence. With confidence 0.9999 and a 20 s window:
 *  - 1 error in 20 requests against 0.1% has p = 0.02, 2 errors p = 1.9e-4: both pass; it takes
 *    3 (p = 1.1e-6) at 1 request/s, i.e. three failures within 20 s.
 *  - at 10 requests/s, 200 requests, it takes 4 errors against 0.1% (p = 5.5e-5), which a 5%
 *    burst (0.5 errors/s) produces in about 8 s; 15 errors in 300 (a 30 s burst) is a breach even of a 1% limit (p = 5.3e-7).
 * Wilson's score bound was the other candidate; its normal approximation is far too generous when
 * errors are rare (1 error in 30 requests already puts its 99.87% lower bound above 0.1%), so the
 * exact tail is used. Since the test does the debouncing, the error gate acts on the first
 * failure (failureLimit 1); a second consecutive one would add a whole interval (5 s) to every
 * rollback. Latency and split gates compare noisier figures and wait for 3 in a row.
 *
 * Simulated over 2,000 seeds against the 0.1% gate a 99.9% SLO derives: a healthy canary at
 * 1 request/s and 0.1% errors rolled back in 2 of 2,000 30-minute soaks (it runs exactly at the
 * limit; 0 of 2,000 against a 1% gate); a 5% burst at 10 requests/s was caught by the 2nd
 * evaluation holding burst data at the median, the 4th at p95, the 7th at worst: 12.3 s median
 * and 20.8 s p95 from the burst's start when evaluations fall at random moments between scrapes,
 * 10.1 s median when they follow each scrape by 0.5 s. Three errors are the least evidence that
 * keeps the 1 request/s soak clean, and a 5% burst takes a median 5.4 s to produce them, so no
 * threshold test can do much better once scrape and evaluation phases are added.
 * The loop now evaluates just after each scrape (schedule.ts) on whole counts (`counted` in
 * lib/prometheus/sli-queries.ts; increase() would scale 2 errors up to 3): the bench measured
 * 11.3 s median and 15.0 s worst over 12 bursts, and 0 false rollbacks in the 30-minute soak.
 *
 * A burst shows first in the newest scrapes, which a 20 s window dilutes with the healthy ones
 * before: 3 errors among the 50 requests of the last 5 s are as improbable under 0.1% (p = 2e-5)
 * as 4 among 200. So the error gate scans its window's last half and quarter too
 * (errorRateScanWindows), each of the three windows at a third of 1 - confidence (Bonferroni: the
 * evaluation as a whole keeps its confidence), and a short window fails only on at least 3 errors
 * (at 1 request/s its 8 requests would otherwise fail on 2). Simulated (5 s scrapes, evaluation
 * 0.25 s after the scrape, 2,000 bursts, 1,000-2,000 soaks): median 10.0 -> 9.1 s; a canary
 * exactly at its 0.1% limit at 10 requests/s rolled back in 1.0% of half hours instead of 1.2%,
 * at 1 request/s in 0 of 2,000 instead of 0.25%; p95 18.2 -> 20.0 s, since the whole window now
 * needs 5 errors among 200 where it needed 4. The bench measured 10.9 s median, 20.7 s worst.
 *
 * That is the edge of what a significance test at the limit can do: a 5% burst makes 2.5 errors a
 * scrape, and by the 4th scrape (20 s) one burst in 25 has still made fewer than the 5 the whole
 * window needs. So the gate also fails on a burst (BURST_MULTIPLE below): errors 1,000 times
 * likelier from a canary failing at 30 times its limit than from one at it, on at least 3 errors.
 * At 10 requests/s that is 3 errors in 5 s or 10 s and 4 in 20 s. Simulated (4,000 bursts, 2,000
 * soaks): median 9.1 -> 8.2 s, p95 20.1 -> 16.8 s, a burst past 20 s 5.2% -> 1.9% (so 12 trials
 * meet both goals about 3 times in 4 instead of 2 in 5). The cost falls on canaries at 10
 * requests/s sitting at or near their limit, which a few errors close together now roll back: a
 * canary exactly at its 0.1% limit in 4.7% of half hours (1.3% before), at half its limit 1.2%
 * (0.2%). At 1 request/s none (3 errors are still needed), and at 100 requests/s exactly at the
 * limit no more than before (0.7%): 500 requests a scrape with a few errors look like the limit,
 * not like a burst, which is why the test weighs a burst against the limit rather than lowering
 * the confidence (0.999 would have bought the same speed for 14% of half hours at 100 requests/s).
 */

const DEFAULTS = { window: "20s", failureLimit: 1, minRequests: 8, confidence: 0.9999 };

const schema = z
  .strictObject({
    kind: z.literal("errorRate"),
    ...common(DEFAULTS),
    ...limits("percent"),
    max: z.number({ error: "max (percent) must be a number" }).min(0).max(100, { error: "max is a percentage: at most 100" }).optional(),
    min: z.undefined({ error: "an error-rate gate takes no min" }).optional(),
    confidence: confidence(DEFAULTS.confidence),
  })
  .refine(hasLimit, needsLimit);

export type ErrorRateGate = z.output<typeof schema>;

/**
 * `recent`: the canary's counts over the shorter windows of errorRateScanWindows (the last half
 * and quarter of the gate's window), when the loop fetched them.
 */
export type ErrorRateEvidence = { canary: Counts; stable?: Counts; recent?: readonly { window: string; canary: Counts }[] };

/**
 * The shorter windows an error-rate gate scans besides its own: the last half and quarter of it,
 * in whole seconds (20s -> 10s, 5s). A short window shorter than the scrape interval still counts
 * whole scrapes: the counters' growth since the newest sample before its start.
 */
export function errorRateScanWindows(window: string): string[] {
  const seconds = durationSeconds(window) ?? 0;
  const shorter = [Math.round(seconds / 2), Math.round(seconds / 4)].filter((s) => s >= 1 && s < seconds);
  return [...new Set(shorter)].map((s) => `${s}s`);
}

/** A short window fails only on at least this many errors (see errorRateScanWindows), and so does the burst test. */
export const SHORT_WINDOW_MIN_ERRORS = 3;

/**
 * The error gate's second test, for bursts: it fails when the window's errors are this many times
 * likelier from a canary failing at BURST_MULTIPLE times its limit than from one at the limit
 * (a likelihood ratio, as in Wald's sequential test), on at least SHORT_WINDOW_MIN_ERRORS errors.
 * At 10 requests/s and a 0.1% limit that is 3 errors in the last 5 s or 10 s, or 4 in 20 s, where
 * the significance test wants 3, 4 and 5; at 1 request/s still 3; at 100 requests/s it wants more
 * errors than the significance test does, since 500 requests a scrape with a few errors look like
 * the limit, not like a burst. See the module comment for what it buys and costs.
 */
export const BURST_MULTIPLE = 30;
export const BURST_LIKELIHOOD_RATIO = 1000;

/** How much likelier `counts` are at BURST_MULTIPLE x `limit` than at `limit`; null when the test does not apply. */
export function burstLikelihoodRatio(counts: Counts, limit: number): number | null {
  const burst = Math.min(0.5, BURST_MULTIPLE * limit);
  if (!(limit > 0) || burst <= limit || counts.errors < SHORT_WINDOW_MIN_ERRORS || counts.errors > counts.requests) return null;
  const log = counts.errors * Math.log(burst / limit) + (counts.requests - counts.errors) * Math.log((1 - burst) / (1 - limit));
  return Math.exp(log);
}

function formatRatio(ratio: number): string {
  return ratio >= 1e6 ? ratio.toExponential(1) : Math.round(ratio).toLocaleString("en-US");
}

function evaluateErrorRate(gate: ErrorRateGate, { canary, stable, recent = [] }: ErrorRateEvidence): GateResult {
  const few = tooFew(canary.requests, Math.max(1, gate.minRequests), gate.window);
  if (few) return few;
  const stableShare = stable && stable.requests > 0 ? stable.errors / stable.requests : null;
  if (stableShare === null && needsStable(gate)) {
    return { verdict: "inconclusive", value: null, threshold: null, reason: "stable served no requests to compare the canary with" };
  }
  // maxRatio against a stable with no errors at all would make any canary error a breach: stable
  // gets one pseudo-error (add-one), which vanishes as its traffic grows.
  const stableForRatio = stable && stable.requests > 0 ? (stable.errors + 1) / (stable.requests + 1) : null;
  const limitShare = Math.min(
    ...[
      gate.max !== undefined ? gate.max / 100 : Infinity,
      stableShare !== null && gate.maxIncrease !== undefined ? stableShare + gate.maxIncrease / 100 : Infinity,
      stableForRatio !== null && gate.maxRatio !== undefined ? stableForRatio * gate.maxRatio : Infinity,
    ],
  );
  const threshold = Math.min(1, limitShare);
  // Every window looked at spends an equal share of 1 - confidence (Bonferroni), so the evaluation
  // as a whole still errs at most that often on a canary at its limit.
  const alpha = (1 - gate.confidence) / (1 + recent.length);
  const test = (counts: Counts) => ({
    share: counts.errors / counts.requests,
    pValue: binomialUpperTail(counts.errors, counts.requests, threshold),
    burstRatio: burstLikelihoodRatio(counts, threshold),
  });
  const full = test(canary);
  const limit = formatPercent(threshold * 100);
  const vsStable = stableShare !== null ? ` (${formatPercent(stableShare * 100)} stable)` : "";
  const evidence = (counts: Counts, window: string) => `${plural(counts.errors, "error")} in ${counts.requests} requests in ${formatWindow(window)}`;
  const windows = [
    { window: gate.window, counts: canary, short: false, ...full },
    ...recent
      .filter(({ canary: counts }) => counts.requests >= Math.max(1, gate.minRequests))
      .map(({ window, canary: counts }) => ({ window, counts, short: true, ...test(counts) })),
  ];
  const significant = windows.find(
    ({ share, pValue, counts, short }) => share > threshold && pValue < alpha && (!short || counts.errors >= SHORT_WINDOW_MIN_ERRORS),
  );
  const burst = significant ? undefined : windows.find(({ burstRatio }) => burstRatio !== null && burstRatio >= BURST_LIKELIHOOD_RATIO);
  const breach = significant ?? burst;
  if (breach) {
    const value = breach.share * 100;
    const where = breach.window === gate.window ? "" : ` (the last ${formatWindow(breach.window)} of the ${formatWindow(gate.window)} window)`;
    const why = significant
      ? ` (${formatP(breach.pValue)})`
      : `: ${formatRatio(breach.burstRatio ?? 0)} times likelier at ${formatPercent(Math.min(0.5, BURST_MULTIPLE * threshold) * 100)} (a ${BURST_MULTIPLE}x burst) than at ${limit}`;
    return {
      verdict: "fail",
      value,
      threshold: threshold * 100,
      pValue: breach.pValue,
      ...(breach.window === gate.window ? {} : { window: breach.window }),
      reason: `canary error rate ${formatPercent(value)}${where} > ${limit}${vsStable}, ${evidence(breach.counts, breach.window)}${why}`,
    };
  }
  const value = full.share * 100;
  const head = `canary error rate ${formatPercent(value)}`;
  if (full.share > threshold) {
    return {
      verdict: "pass",
      value,
      threshold: threshold * 100,
      pValue: full.pValue,
      reason: `${head} is above ${limit}${vsStable} but ${evidence(canary, gate.window)} is within chance (${formatP(full.pValue)}, needs < ${formatProbability(alpha)})`,
    };
  }
  return {
    verdict: "pass",
    value,
    threshold: threshold * 100,
    pValue: full.pValue,
    reason: `${head} <= ${limit}${vsStable}, ${evidence(canary, gate.window)}`,
  };
}

export const errorRateGate = {
  schema,
  unit: "%",
  // Rides in its window's grouped count query (lib/prometheus/gates/error-rate.ts).
  cost: (gate) => ({ shared: `window:${gate.window}`, queries: WINDOW_QUERIES }),
  evaluate: evaluateErrorRate,
} satisfies GateKindEntry<"errorRate", ErrorRateGate, ErrorRateEvidence>;
