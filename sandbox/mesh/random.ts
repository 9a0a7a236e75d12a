// Seeded randomness for the simulated traffic. Math.random cannot be seeded,
// and a test that fails once in fifty runs on a traffic split is worse than
// useless, so every draw comes from one small PRNG.
import { randomInt } from "node:crypto";

export type Random = () => number;

/** z-score of the 95th percentile of the standard normal distribution. */
export const Z95 = 1.6448536269514722;

/** mulberry32: 32 bits of state, good enough for simulation, not for anything secret. */
export function createRandom(seed: number = randomInt(2 ** 31)): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box-Muller; 1 - u keeps the logarithm away from 0. */
export function sampleStandardNormal(random: Random): number {
  const u1 = 1 - random();
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Log-normal parameters whose median is p50 and whose 95th percentile is p95. */
export function logNormalFromPercentiles({ p50Ms, p95Ms }: { p50Ms: number; p95Ms: number }): { mu: number; sigma: number } {
  const mu = Math.log(p50Ms);
  return { mu, sigma: (Math.log(p95Ms) - mu) / Z95 };
}

export function sampleLatencyMs(random: Random, profile: { p50Ms: number; p95Ms: number }): number {
  const { mu, sigma } = logNormalFromPercentiles(profile);
  return Math.exp(mu + sigma * sampleStandardNormal(random));
}
