import { z } from "zod";
import { typed } from "../safe-text";

/**
 * The number rule the rollout definition and every step kind share, so a wrong value reads the
 * same wherever it is: "weight must be a whole number", "pauseSeconds must be at least 0".
 */
export const int = (what: string, min: number, max: number) =>
  z
    .number(typed(what, "a number"))
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });

export const MAX_PAUSE_SECONDS = 7 * 24 * 3600;

/** A canary weight a step sets: 1-100 (0 is where every rollout starts and where rollback returns). */
export const stepWeight = () => int("weight", 1, 100);
