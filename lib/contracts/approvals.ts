import type { CheckState } from "../domain/approvals/status";

/** GET /api/rollouts/{id}/approvals: the rollout's approvals as they stand, for the caller as promoter. */
export type CheckResultJson = {
  at: string;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** Bytes of the answer read (at most 4 KiB) and their SHA-256: tell two answers apart without showing them. */
  size: number | null;
  sha256: string | null;
  /** The first characters of a text answer, credentials masked; null for viewers (then excerptWithheld). */
  excerpt: string | null;
  excerptWithheld: boolean;
  error: string | null;
  actorId: string;
  /** "HTTP 200", "HTTP 503, expected 200", "no answer within 5000 ms". */
  summary: string;
};

export type ActiveFreezeJson = { id: string; name: string; zone: string; end: string; until: string; description: string };

export type RolloutApprovalsJson = {
  /** false when the rollout has no approvals block: only freezes can hold its promotions. */
  configured: boolean;
  checks: { name: string; url: string; expectStatus: number; timeoutMs: number; state: CheckState; last: CheckResultJson | null }[];
  checklist: { id: string; text: string; requireDifferentPerson: boolean; tick: { actorId: string; actorEmail: string | null; at: string } | null }[];
  ticked: number;
  total: number;
  /** Why a promotion by the caller would wait for approvals now; empty when it would not. */
  blockers: string[];
  /** Freeze windows holding this rollout's promotions now. */
  freezes: ActiveFreezeJson[];
  freshSeconds: number;
  readAt: string;
};
