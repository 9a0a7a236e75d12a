import type { EgressPolicy } from "../domain/egress/policy";
import { egressRequest, type Resolve } from "./egress-request";

/**
 * The one place that sends notifications: an HTTP POST through the egress guard
 * (egress-request.ts: the policy, a pinned address, no redirects, one deadline, at most
 * WEBHOOK_MAX_BYTES of the answer read). It never throws: the answer is an outcome the dispatcher
 * records and shows. Errors carry neither the URL (webhook URLs are secrets) nor the receiver's
 * words, only the status, size and a hash of what it answered, so a hostile receiver can put
 * nothing on Aviary's pages.
 */
export type PostResult = { ok: true; status: number } | { ok: false; status: number | null; error: string; permanent: boolean };

export type PostWebhook = (request: { url: string; body: string; headers: Record<string, string>; timeoutMs: number }) => Promise<PostResult>;

export const WEBHOOK_MAX_BYTES = 4096;

/** 4xx other than 408, 425 and 429 will not get better by retrying (bad payload, revoked hook). */
const permanent = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429;

export function postWebhookVia(policy: EgressPolicy, resolve?: Resolve): PostWebhook {
  return async ({ url, body, headers, timeoutMs }) => {
    const answer = await egressRequest({
      url,
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Aviary-Notifications/1", ...headers },
      body,
      timeoutMs,
      policy,
      maxBytes: WEBHOOK_MAX_BYTES,
      ...(resolve ? { resolve } : {}),
    });
    // A refusal will not change by retrying; the destination must be fixed or allowed.
    if (answer.kind === "refused") return { ok: false, status: null, error: answer.error, permanent: true };
    if (answer.kind === "failed") return { ok: false, status: null, error: answer.error, permanent: false };
    if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status };
    const size = `${answer.size}${answer.truncated ? "+" : ""} bytes`;
    return {
      ok: false,
      status: answer.status,
      error: `HTTP ${answer.status} (${size}, sha256 ${answer.sha256.slice(0, 12)})`,
      permanent: permanent(answer.status),
    };
  };
}
