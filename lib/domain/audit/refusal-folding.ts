/**
 * Folding floods of refused requests (pure; the clock is an argument).
 *
 * A viewer looping on a forbidden route would otherwise write one permanent audit event per
 * request and queue everyone's actions behind the chain lock. Per window and per key (who, what,
 * on which rollout) the first refusal is recorded at once; the rest are counted and recorded as
 * one event when the window closes. Per actor, refusals beyond `limitPerActor` in a window are
 * answered 429 with the seconds until the window ends (still counted, never written one by one).
 */
export type FoldingPolicy = { windowMs: number; limitPerActor: number };

export const DEFAULT_FOLDING: FoldingPolicy = { windowMs: 60_000, limitPerActor: 10 };

export type FoldedRefusals<T> = { key: string; sample: T; count: number; firstAt: number; lastAt: number };

type KeyWindow<T> = { startedAt: number; folded: FoldedRefusals<T> | null };
type ActorWindow = { startedAt: number; count: number };

export type FoldingState<T> = { keys: Map<string, KeyWindow<T>>; actors: Map<string, ActorWindow> };

export type Admission<T> = {
  /** write: record this refusal now; fold: counted into the window's summary. */
  record: "write" | "fold";
  /** Set when the actor is over the limit: answer 429 with Retry-After. */
  retryAfterSeconds: number | null;
  /** A previous window of the same key that closed with folded refusals: record it first. */
  closed: FoldedRefusals<T> | null;
};

export function newFoldingState<T>(): FoldingState<T> {
  return { keys: new Map(), actors: new Map() };
}

export function admitRefusal<T>(
  state: FoldingState<T>,
  { actorId, key, sample, now }: { actorId: string; key: string; sample: T; now: number },
  policy: FoldingPolicy = DEFAULT_FOLDING,
): Admission<T> {
  let actor = state.actors.get(actorId);
  if (!actor || now - actor.startedAt >= policy.windowMs) {
    actor = { startedAt: now, count: 0 };
    state.actors.set(actorId, actor);
  }
  actor.count += 1;
  const retryAfterSeconds = actor.count > policy.limitPerActor ? Math.max(1, Math.ceil((actor.startedAt + policy.windowMs - now) / 1000)) : null;

  const current = state.keys.get(key);
  let closed: FoldedRefusals<T> | null = null;
  if (current && now - current.startedAt < policy.windowMs) {
    const folded = current.folded ?? { key, sample, count: 0, firstAt: now, lastAt: now };
    current.folded = { ...folded, sample, count: folded.count + 1, lastAt: now };
    return { record: "fold", retryAfterSeconds, closed };
  }
  closed = current?.folded ?? null;
  state.keys.set(key, { startedAt: now, folded: null });
  return { record: "write", retryAfterSeconds, closed };
}

/** Windows that have closed (or all of them, at shutdown): their folded refusals, to record once each. */
export function takeClosedWindows<T>(state: FoldingState<T>, now: number, policy: FoldingPolicy = DEFAULT_FOLDING, { all = false } = {}): FoldedRefusals<T>[] {
  const due: FoldedRefusals<T>[] = [];
  for (const [key, window] of state.keys) {
    if (!all && now - window.startedAt < policy.windowMs) continue;
    if (window.folded) due.push(window.folded);
    state.keys.delete(key);
  }
  for (const [actorId, window] of state.actors) {
    if (all || now - window.startedAt >= policy.windowMs) state.actors.delete(actorId);
  }
  return due;
}
