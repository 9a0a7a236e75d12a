import { countDistinct, newTally, tallyOf, type Tally, type TallyState } from "./distinct-tally";

/**
 * Folding floods of refused requests (pure; the clock is an argument).
 *
 * A viewer looping on a forbidden route would otherwise write one permanent audit event per
 * request and queue everyone's actions behind the chain lock. Windows are per actor. Below
 * `limitPerActor` in a window, the first refusal of each key (what, on which rollout) is recorded
 * at once and its repeats are counted into one event. Past the limit the actor gets 429 with the
 * seconds left, and nothing is written one by one: repeats of a key already seen still count
 * into its event, any other key into one overflow event per actor (count, the first keys and how
 * many distinct). The attacker chooses the keys and, with forged identities, the actors, so the
 * memory is bounded too: at most `maxActors` actors are tracked; refusals from others are folded
 * into one "crowd" event per window and answered 429. Every folded event is handed back once,
 * when its window has closed, so a window writes at most maxActors * (2 * limit + 1) + 1 events.
 */
export type FoldingPolicy = { windowMs: number; limitPerActor: number; maxActors: number; sampleSize: number; maxDistinct: number };

export const DEFAULT_FOLDING: FoldingPolicy = { windowMs: 60_000, limitPerActor: 10, maxActors: 100, sampleSize: 10, maxDistinct: 1_000 };

type Span<T> = { sample: T; count: number; firstAt: number; lastAt: number };

export type FoldedRefusals<T> = Span<T> &
  ({ kind: "repeats"; actorId: string; key: string } | { kind: "overflow"; actorId: string; keys: Tally } | { kind: "crowd"; actors: Tally; keys: Tally });

type Open<T> = { span: Span<T> | null; keys: TallyState; actors: TallyState };
type ActorWindow<T> = { startedAt: number; count: number; repeats: Map<string, Span<T> | null>; overflow: Open<T> };
type CrowdWindow<T> = { startedAt: number; open: Open<T> };

export type FoldingState<T> = { actors: Map<string, ActorWindow<T>>; crowd: CrowdWindow<T> | null };

export type Admission<T> = {
  /** write: record this refusal now; fold: counted into an event recorded when its window closes. */
  record: "write" | "fold";
  /** Set when the actor is over the limit, or untracked in a crowd: answer 429 with Retry-After. */
  retryAfterSeconds: number | null;
  /** Windows found closed before the sweep took them: record these first. */
  closed: FoldedRefusals<T>[];
};

export function newFoldingState<T>(): FoldingState<T> {
  return { actors: new Map(), crowd: null };
}

export function admitRefusal<T>(
  state: FoldingState<T>,
  { actorId, key, sample, now }: { actorId: string; key: string; sample: T; now: number },
  policy: FoldingPolicy = DEFAULT_FOLDING,
): Admission<T> {
  const closed: FoldedRefusals<T>[] = [];
  const over = (startedAt: number) => now - startedAt >= policy.windowMs;
  const secondsLeft = (startedAt: number) => Math.max(1, Math.ceil((startedAt + policy.windowMs - now) / 1000));
  if (state.crowd && over(state.crowd.startedAt)) closed.push(...takeCrowd(state));

  let actor = state.actors.get(actorId);
  if (actor && over(actor.startedAt)) {
    closed.push(...takeActor(state, actorId, actor));
    actor = undefined;
  }
  if (!actor && state.actors.size >= policy.maxActors) {
    for (const [id, window] of state.actors) if (over(window.startedAt)) closed.push(...takeActor(state, id, window));
  }
  if (!actor && state.actors.size >= policy.maxActors) {
    const crowd = (state.crowd ??= { startedAt: now, open: newOpen() });
    fold(crowd.open, { sample, now, key, actorId }, policy);
    return { record: "fold", retryAfterSeconds: secondsLeft(crowd.startedAt), closed };
  }
  if (!actor) {
    actor = { startedAt: now, count: 0, repeats: new Map(), overflow: newOpen() };
    state.actors.set(actorId, actor);
  }

  actor.count += 1;
  const retryAfterSeconds = actor.count > policy.limitPerActor ? secondsLeft(actor.startedAt) : null;
  if (actor.repeats.has(key)) {
    actor.repeats.set(key, extend(actor.repeats.get(key) ?? null, sample, now));
    return { record: "fold", retryAfterSeconds, closed };
  }
  if (retryAfterSeconds !== null) {
    fold(actor.overflow, { sample, now, key, actorId }, policy);
    return { record: "fold", retryAfterSeconds, closed };
  }
  // Below the limit, so at most limitPerActor keys are ever tracked per actor.
  actor.repeats.set(key, null);
  return { record: "write", retryAfterSeconds, closed };
}

/** Windows that have closed (or all of them, at shutdown): their folded refusals, to record once each. */
export function takeClosedWindows<T>(state: FoldingState<T>, now: number, policy: FoldingPolicy = DEFAULT_FOLDING, { all = false } = {}): FoldedRefusals<T>[] {
  const due: FoldedRefusals<T>[] = [];
  for (const [actorId, window] of state.actors) {
    if (all || now - window.startedAt >= policy.windowMs) due.push(...takeActor(state, actorId, window));
  }
  if (state.crowd && (all || now - state.crowd.startedAt >= policy.windowMs)) due.push(...takeCrowd(state));
  return due;
}

const newOpen = <T>(): Open<T> => ({ span: null, keys: newTally(), actors: newTally() });

function extend<T>(span: Span<T> | null, sample: T, now: number): Span<T> {
  return { sample, count: (span?.count ?? 0) + 1, firstAt: span?.firstAt ?? now, lastAt: now };
}

function fold<T>(open: Open<T>, { sample, now, key, actorId }: { sample: T; now: number; key: string; actorId: string }, policy: FoldingPolicy): void {
  open.span = extend(open.span, sample, now);
  countDistinct(open.keys, key, policy);
  countDistinct(open.actors, actorId, policy);
}

function takeActor<T>(state: FoldingState<T>, actorId: string, window: ActorWindow<T>): FoldedRefusals<T>[] {
  state.actors.delete(actorId);
  const due: FoldedRefusals<T>[] = [];
  for (const [key, span] of window.repeats) if (span) due.push({ kind: "repeats", actorId, key, ...span });
  if (window.overflow.span) due.push({ kind: "overflow", actorId, keys: tallyOf(window.overflow.keys), ...window.overflow.span });
  return due;
}

function takeCrowd<T>(state: FoldingState<T>): FoldedRefusals<T>[] {
  const open = state.crowd?.open;
  state.crowd = null;
  return open?.span ? [{ kind: "crowd", actors: tallyOf(open.actors), keys: tallyOf(open.keys), ...open.span }] : [];
}
