import { randomUUID } from "node:crypto";
import { actorFromRequest, type Actor } from "../auth/actor";

/** What the audit log records about the caller of one request. */
export type RequestContext = { actor: Actor; requestId: string; clientAddress: string | null };

export async function requestContext(request: Request): Promise<RequestContext> {
  const given = request.headers.get("x-request-id");
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    actor: actorFromRequest(request),
    requestId: given && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID(),
    clientAddress: forwarded || request.headers.get("x-real-ip") || null,
  };
}
