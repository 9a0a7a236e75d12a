import type { CheckResult } from "../domain/approvals/status";
import { answerExcerpt } from "../domain/egress/excerpt";
import type { EgressPolicy } from "../domain/egress/policy";
import { egressRequest, type Resolve } from "./egress-request";

/**
 * An approval HTTP check: one GET through the egress guard (egress-request.ts). It never throws:
 * the answer is what Aviary stores and shows. Status, latency, size and a SHA-256 of the bytes
 * read are always kept; an excerpt only of a text answer, credentials masked (shown to operators
 * and above, never audited). Redirects are not followed: a 3xx is the answer, comparable with
 * expectStatus. A refusal by the egress policy names its rule and sends nothing.
 */
export type HttpCheckAnswer = Pick<CheckResult, "status" | "latencyMs" | "size" | "sha256" | "excerpt" | "error">;

export type RunHttpCheck = (request: { url: string; timeoutMs: number }) => Promise<HttpCheckAnswer>;

export const CHECK_MAX_BYTES = 4096;

export function httpCheckVia(policy: EgressPolicy, resolve?: Resolve): RunHttpCheck {
  return async ({ url, timeoutMs }) => {
    const answer = await egressRequest({
      url,
      method: "GET",
      headers: { "user-agent": "Aviary-Approvals/1", accept: "application/json, text/plain;q=0.9, */*;q=0.1" },
      timeoutMs,
      policy,
      maxBytes: CHECK_MAX_BYTES,
      ...(resolve ? { resolve } : {}),
    });
    if (answer.kind !== "answer") return { status: null, latencyMs: answer.durationMs, size: null, sha256: null, excerpt: null, error: answer.error };
    return {
      status: answer.status,
      latencyMs: answer.durationMs,
      size: answer.size,
      sha256: answer.sha256,
      excerpt: answerExcerpt(answer.bytes, answer.contentType),
      error: null,
    };
  };
}
