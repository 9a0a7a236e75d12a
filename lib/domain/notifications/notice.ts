import { ANALYSIS_ACTOR } from "../actor";
import { ROLLOUT_ACTIONS } from "../rollout-actions";
import type { NoticeType } from "./definition";

/**
 * What a notification says, independent of where it goes: built once when the delivery is queued
 * (so retries send the same words), then shaped for each kind of destination by its entry's
 * body (destinations/registry.ts). Every notice about a rollout carries a link to its page.
 */
export type Notice = {
  /** Stable per event: receivers dedupe on it. */
  id: string;
  type: NoticeType;
  /** When it happened (ISO). */
  at: string;
  /** One sentence: who did what to which rollout, and why. */
  text: string;
  rollout: { id: string; name: string; namespace: string; url: string } | null;
  actor?: { id: string; email: string | null; automated: boolean };
  action?: string;
  outcome?: string;
  reason?: string | null;
  weights?: { before: number | null; after: number | null };
};

export type AuditEventForNotice = {
  id: bigint | number | string;
  at: Date;
  actorId: string;
  actorEmail: string | null;
  action: string;
  reason: string | null;
  outcome: string;
  errorMessage: string | null;
  before: unknown;
  after: unknown;
};

export type RolloutForNotice = { id: string; name: string; namespace: string };

const ACTIONS: ReadonlySet<string> = new Set(ROLLOUT_ACTIONS);

/** Actions that changed (or failed to change) traffic; refusals (403, stale revision, bad state) are not news. */
export function isNotifiable(event: Pick<AuditEventForNotice, "action" | "outcome">): boolean {
  return ACTIONS.has(event.action) && (event.outcome === "success" || event.outcome === "failed");
}

export function rolloutUrl(baseUrl: string, rolloutId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/rollouts/${encodeURIComponent(rolloutId)}`;
}

const weightOf = (state: unknown): number | null => {
  const value = (state as { canaryWeight?: unknown } | null)?.canaryWeight;
  return typeof value === "number" ? value : null;
};

function verb(action: string, after: number | null): string {
  switch (action) {
    case "start":
      return `started`;
    case "promote":
      return after === null ? "promoted" : `promoted to ${after}%`;
    case "promote_full":
      return "fully promoted";
    case "pause":
      return "paused";
    case "resume":
      return "resumed";
    case "rollback":
      return "rolled back";
    case "adopt":
      return "adopted the live weights of";
    default:
      return action;
  }
}

const clock = (at: Date) => `${at.toISOString().slice(11, 19)} UTC`;

/** "Aviary rolled back payments-v2: canary error rate 5.1% > 0.5% on 3 evaluations (12:40:52 UTC)". */
export function noticeFromAuditEvent({ event, rollout, baseUrl }: { event: AuditEventForNotice; rollout: RolloutForNotice | null; baseUrl: string }): Notice {
  const automated = event.actorId === ANALYSIS_ACTOR.id;
  const who = automated ? "Aviary" : (event.actorEmail ?? event.actorId);
  const before = weightOf(event.before);
  const after = weightOf(event.after);
  const name = rollout?.name ?? "a rollout";
  const failed = event.outcome === "failed";
  const head = failed
    ? `${who} tried to ${event.action.replace("_", " ")} ${name} and it failed${event.errorMessage ? `: ${event.errorMessage}` : ""}`
    : `${who} ${verb(event.action, after)} ${name}${event.reason ? `: ${event.reason}` : ""}`;
  const split = !failed && before !== null && after !== null && before !== after ? ` (canary ${before}% -> ${after}%)` : "";
  return {
    id: `audit:${String(event.id)}`,
    type: automated ? "verdict" : "action",
    at: event.at.toISOString(),
    text: `${head}${split} (${clock(event.at)})`,
    rollout: rollout ? { ...rollout, url: rolloutUrl(baseUrl, rollout.id) } : null,
    actor: { id: event.actorId, email: event.actorEmail, automated },
    action: event.action,
    outcome: event.outcome,
    reason: event.reason,
    weights: { before, after },
  };
}

/** A condition noticed on a rollout (drift, waiting for a person, a would-roll-back verdict). */
export function noticeFromCondition({
  id,
  type,
  text,
  since,
  rollout,
  baseUrl,
}: {
  id: string;
  type: NoticeType;
  text: string;
  since: Date;
  rollout: RolloutForNotice;
  baseUrl: string;
}): Notice {
  return {
    id,
    type,
    at: since.toISOString(),
    text: `${rollout.name}: ${text} (since ${clock(since)})`,
    rollout: { ...rollout, url: rolloutUrl(baseUrl, rollout.id) },
  };
}
