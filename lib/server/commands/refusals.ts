import { AppError } from "../../app-error";
import { findRollout } from "../../db/rollouts";
import {
  admitRefusal,
  DEFAULT_FOLDING,
  newFoldingState,
  takeClosedWindows,
  type FoldedRefusals,
  type FoldingPolicy,
  type FoldingState,
} from "../../domain/audit/refusal-folding";
import { log } from "../../log";
import { getConfig, getDeps } from "../../composition/deps";
import { describeFolded, FLOOD_ACTION, FLOOD_ACTOR } from "../../domain/audit/folded-refusal-text";
import { recordAttempt } from "./record-attempt";

/**
 * Records a request refused for who made it (403): a viewer trying to roll back is exactly what
 * an auditor wants to see, in the rollout's own trail when there is one. Floods are folded
 * (lib/domain/audit/refusal-folding.ts): below the per-actor limit the first refusal of each
 * action and rollout is written at once, its repeats as one event with a count when the window
 * closes; past the limit the actor is told to wait and the rest of the window becomes one
 * overflow event, and actors beyond those tracked one crowd event, so a flood writes a bounded
 * number of rows whatever keys and names it makes up.
 * Folding is per process (each replica folds its own); a process that dies loses only the
 * counts of its open windows, never the events written at once.
 */
export type Refusal = {
  actor: { id: string; email: string | null; role: string | null };
  method: string;
  path: string;
  /** What was attempted, as the command names it; without one, the path and method say (refusedAction). */
  action?: string;
  message: string;
  requestId: string;
  clientAddress: string | null;
};

export type RefusalVerdict = { retryAfterSeconds: number | null };

const ROLLOUT_PATH = /^\/api\/rollouts\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\/|$)/i;

export function refusedAction({ method, path, action }: Pick<Refusal, "method" | "path" | "action">): string {
  if (action !== undefined) return action;
  if (/\/actions$/.test(path)) return "action";
  if (path === "/api/rollouts" && method === "POST") return "create";
  if (ROLLOUT_PATH.test(path) && method === "PATCH") return "update";
  if (ROLLOUT_PATH.test(path) && method === "DELETE") return "archive";
  return `${method.toLowerCase()} ${path.slice(0, 200)}`;
}

/** What was refused, as the folding tells requests apart and an overflow event lists them. */
function refusalKey(refusal: Refusal): string {
  const action = refusedAction(refusal);
  const rollout = ROLLOUT_PATH.exec(refusal.path)?.[1]?.toLowerCase();
  return rollout && !action.toLowerCase().includes(rollout) ? `${action} on rollout ${rollout}` : action;
}

type Folder = { state: FoldingState<Refusal>; policy: FoldingPolicy; sweeper: NodeJS.Timeout | null };

// One folder per process: Next.js may load this module in several bundles (proxy and routes).
const FOLDER = Symbol.for("aviary.refusalFolder");

function folder(): Folder {
  const holder = globalThis as unknown as Record<symbol, Folder | undefined>;
  let current = holder[FOLDER];
  if (!current) {
    const env = getConfig().server();
    current = {
      state: newFoldingState(),
      policy: { ...DEFAULT_FOLDING, windowMs: env.AVIARY_REFUSAL_WINDOW_SECONDS * 1000, limitPerActor: env.AVIARY_REFUSAL_LIMIT },
      sweeper: null,
    };
    holder[FOLDER] = current;
  }
  if (!current.sweeper) {
    const folderNow = current;
    folderNow.sweeper = setInterval(() => void flushRefusals({ now: Date.now() }), Math.min(5_000, folderNow.policy.windowMs));
    folderNow.sweeper.unref();
  }
  return current;
}

export async function recordRefusal(refusal: Refusal, now = Date.now()): Promise<RefusalVerdict> {
  const { state, policy } = folder();
  const admission = admitRefusal(state, { actorId: refusal.actor.id, key: refusalKey(refusal), sample: refusal, now }, policy);
  for (const folded of admission.closed) await writeSafely(folded.sample, folded, policy);
  if (admission.record === "write") await writeSafely(refusal, null, policy);
  return { retryAfterSeconds: admission.retryAfterSeconds };
}

/** Records the folded refusals of closed windows (all open ones with `all`, e.g. in tests or at shutdown). */
export async function flushRefusals({ now = Date.now(), all = false }: { now?: number; all?: boolean } = {}): Promise<void> {
  const { state, policy } = folder();
  for (const folded of takeClosedWindows(state, now, policy, { all })) await writeSafely(folded.sample, folded, policy);
}

// Refusal writes go one at a time per process. Each takes the chain lock anyway; run together, a
// hundred of them held every pooled connection waiting for it, so operators' actions queued behind
// them and, past Prisma's 2 s wait for a connection, refusals' own events were lost.
const LANE = Symbol.for("aviary.refusalWriteLane");

function writeSafely(refusal: Refusal, folded: FoldedRefusals<Refusal> | null, policy: FoldingPolicy): Promise<void> {
  const holder = globalThis as unknown as Record<symbol, Promise<void> | undefined>;
  const written = (holder[LANE] ?? Promise.resolve()).then(() =>
    writeRefusal(refusal, folded, policy).catch((error: unknown) => {
      // The refusal stands either way; a database outage must not turn a 403 into a 500.
      log.error("could not write the audit event of a refused request", { requestId: refusal.requestId, error });
    }),
  );
  holder[LANE] = written;
  return written;
}

async function writeRefusal(refusal: Refusal, folded: FoldedRefusals<Refusal> | null, policy: FoldingPolicy): Promise<void> {
  // An overflow or crowd event spans many requests: it belongs to no one rollout's trail.
  const candidate = folded && folded.kind !== "repeats" ? null : (ROLLOUT_PATH.exec(refusal.path)?.[1]?.toLowerCase() ?? null);
  const { db } = getDeps();
  // The foreign key wants an existing rollout; a refusal on an unknown id is still recorded.
  const rolloutId = candidate && (await findRollout(db, candidate)) ? candidate : null;
  const flood = folded !== null && folded.kind !== "repeats";
  const message = folded ? describeFolded(folded, policy) : refusal.message;
  await recordAttempt(db, {
    rolloutId,
    context: { actor: folded?.kind === "crowd" ? FLOOD_ACTOR : refusal.actor, requestId: refusal.requestId, clientAddress: refusal.clientAddress },
    action: flood ? FLOOD_ACTION : refusedAction(refusal),
    error: new AppError(flood ? "RATE_LIMITED" : "FORBIDDEN", message),
    outcome: "refused",
    repeatCount: folded?.count ?? 1,
    at: folded ? new Date(folded.lastAt) : undefined,
  });
}
