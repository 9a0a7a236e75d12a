import { AppError } from "../app-error";
import type { Rollout } from "../domain/rollout";
import type { RouteTarget } from "../domain/steps/entry";
import { locateRoute, routeIsAt, routePatch, type LocatedRoute, type VirtualServiceView } from "../domain/virtual-service-route";
import { KubeError, type VsRef } from "../kube/virtual-services";
import type { Deps } from "../composition/deps";

/**
 * Writes the canary weight with a conditional JSON patch and never overwrites blindly: when the
 * object changed (409 / failed `test`) or the call failed in transit, it re-reads, re-checks and
 * retries within a bound. A re-read showing the target already in place counts as success (the
 * earlier attempt landed, e.g. its answer was lost). Rollback retries harder and ignores drift:
 * it is the safe direction.
 */
export type WritePolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; tolerateDrift: boolean };

export const NORMAL_WRITE: WritePolicy = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200, tolerateDrift: false };
export const ROLLBACK_WRITE: WritePolicy = { maxAttempts: 12, baseDelayMs: 20, maxDelayMs: 400, tolerateDrift: true };

export type WriteResult = { vs: VirtualServiceView; attempts: number };

const backoff = (policy: WritePolicy, attempt: number) => Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 2));

/**
 * Tries for the re-read between two write attempts. A failed re-read used to end its attempt, so
 * an attempt needed a good read and a good patch: at a 50% failure rate one in four landed and 12
 * attempts still failed 2% of rollbacks. Retried here, an attempt lands nearly as often as its
 * patch does (0.1% over 12).
 */
const REREAD_TRIES = 3;

/**
 * The read a write starts from. Transient failures (unreachable, 5xx, timeout) are retried within
 * the same bound as the write, so a rollback rides out a blip instead of failing on its first read.
 */
export async function readForWrite({ kube, sleep }: Pick<Deps, "kube" | "sleep">, ref: VsRef, policy: WritePolicy): Promise<VirtualServiceView> {
  try {
    return await readRetrying({ kube, sleep }, ref, policy.maxAttempts, (attempt) => backoff(policy, attempt + 1));
  } catch (error) {
    if (!(error instanceof TransientReadFailure)) throw unwrap(error);
    const { code, message } = error.last.failure.error;
    throw error.tries === 1 ? error.last.failure.error : new AppError(code, `gave up after ${error.tries} attempts: ${message}`);
  }
}

/** A read that failed transiently on every try: the last failure and how many tries it took. */
class TransientReadFailure extends Error {
  constructor(
    readonly last: KubeError,
    readonly tries: number,
  ) {
    super(last.message);
  }
}

/** Reads the VirtualService, retrying transient failures up to `tries` times; other failures are thrown at once. */
async function readRetrying(
  { kube, sleep }: Pick<Deps, "kube" | "sleep">,
  ref: VsRef,
  tries: number,
  delayMs: (attempt: number) => number,
): Promise<VirtualServiceView> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await kube.readVirtualService(ref);
    } catch (error) {
      if (!(error instanceof KubeError) || error.failure.kind !== "transient") throw error;
      if (attempt >= tries) throw new TransientReadFailure(error, attempt);
      await sleep(delayMs(attempt));
    }
  }
}

/** writeRoute for the two weights, as actions and the reconcile path call it. */
export async function writeWeights(
  deps: Pick<Deps, "kube" | "sleep">,
  { canaryWeight, ...write }: { rollout: Rollout; vs: VirtualServiceView; located: LocatedRoute; canaryWeight: number; policy: WritePolicy },
): Promise<WriteResult> {
  return writeRoute(deps, { ...write, target: { canaryWeight } });
}

/** Brings the rollout's route to a step's target (lib/domain/steps), the patch built by routePatch. */
export async function writeRoute(
  { kube, sleep }: Pick<Deps, "kube" | "sleep">,
  { rollout, vs, located, target, policy }: { rollout: Rollout; vs: VirtualServiceView; located: LocatedRoute; target: RouteTarget; policy: WritePolicy },
): Promise<WriteResult> {
  const ref = { cluster: rollout.cluster, namespace: rollout.namespace, name: rollout.virtualService };
  let current = { vs, located };
  let lastError: AppError | null = null;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (attempt > 1) {
      await sleep(backoff(policy, attempt));
      try {
        const fresh = await readRetrying({ kube, sleep }, ref, REREAD_TRIES, () => policy.baseDelayMs);
        current = { vs: fresh, located: locateRoute(fresh, rollout) };
      } catch (error) {
        if (error instanceof TransientReadFailure) {
          lastError = error.last.failure.error;
          continue;
        }
        throw unwrap(error);
      }
      if (routeIsAt(current.located, target)) return { vs: current.vs, attempts: attempt - 1 };
      if (!policy.tolerateDrift && current.located.canaryWeight !== rollout.canaryWeight) {
        throw new AppError(
          "DRIFT",
          `the VirtualService changed while Aviary was writing: it now sends ${current.located.canaryWeight}% to the canary, Aviary recorded ${rollout.canaryWeight}%. Nothing was overwritten; adopt the live weights or roll back.`,
        );
      }
    }
    try {
      const written = await kube.patchVirtualService({ ...ref, ops: routePatch(current.vs, current.located, target) });
      return { vs: written, attempts: attempt };
    } catch (error) {
      if (!(error instanceof KubeError) || error.failure.kind === "final") throw unwrap(error);
      lastError = error.failure.error;
    }
  }
  throw new AppError(
    lastError?.code === "CONFLICT" ? "CONFLICT" : "KUBE_UNAVAILABLE",
    `gave up after ${policy.maxAttempts} attempts: ${lastError?.message ?? "unknown error"}. The cluster still has the weights it had before, or the next read will show otherwise.`,
  );
}

export function unwrap(error: unknown): unknown {
  return error instanceof KubeError ? error.failure.error : error;
}
