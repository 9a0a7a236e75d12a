import { describeEgressPolicy } from "../domain/egress/policy";
import { EXCERPT_CHARS } from "../domain/egress/excerpt";
import { shownUrl } from "../domain/redact-url";
import { checkEgress } from "../outbound/egress-request";
import { CHECK_MAX_BYTES } from "../outbound/http-check";
import { WEBHOOK_MAX_BYTES } from "../outbound/post-webhook";
import type { Deps } from "../composition/deps";
import { RUN_CHECKS_COOLDOWN_SECONDS } from "./approvals/run-approval-checks";

export type EgressTrial =
  | { url: string; outcome: "allowed"; address: string }
  | { url: string; outcome: "refused"; reason: string }
  | { url: string; outcome: "unresolved"; reason: string };

/** The egress policy in force in this process, and the limits on what Aviary reads back: the admins' settings page. */
export function getEgressSettings(deps: Pick<Deps, "egress">) {
  return {
    ...describeEgressPolicy(deps.egress),
    limits: {
      checkBytes: CHECK_MAX_BYTES,
      webhookBytes: WEBHOOK_MAX_BYTES,
      excerptChars: EXCERPT_CHARS,
      runChecksCooldownSeconds: RUN_CHECKS_COOLDOWN_SECONDS,
    },
  };
}

/**
 * Whether a check or webhook to `url` would go out now, and to which address: the guard's own
 * decision (it resolves the name as a request would, and sends nothing). Null for no URL.
 */
export async function tryEgress(deps: Pick<Deps, "egress">, { url }: { url: string }): Promise<EgressTrial | null> {
  const text = url.trim();
  if (!text) return null;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return { url: text.slice(0, 200), outcome: "refused", reason: "not an absolute http or https URL" };
  }
  const shown = shownUrl(text);
  const decision = await checkEgress(parsed, deps.egress);
  if (decision.ok) return { url: shown, outcome: "allowed", address: decision.address };
  return decision.refused ? { url: shown, outcome: "refused", reason: decision.error } : { url: shown, outcome: "unresolved", reason: decision.error };
}
