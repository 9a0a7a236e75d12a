import { requestIdOf } from "./request-id";
import { AppError } from "../app-error";
import type { RequestContext } from "../domain/actor";
import { identify } from "../auth/identify";
import { hasRole, type Role } from "../domain/roles";
import { checkSameOrigin } from "../auth/same-origin";
import { getDeps } from "../composition/deps";
import { recordRefusal } from "../server/commands/refusals";
import { clientAddress as clientAddressOf, peerAddress } from "./client-address";

export { requestIdOf };

export type ContextOptions = {
  /** The least role the route requires. Required on purpose: every route states it. */
  need: Role;
  /**
   * What a refusal's audit event calls the attempt (a command's name); without it, the method and
   * path say. A function is called only on a refusal: an action named by the body reads the body
   * then, and only then, to say what the caller tried.
   */
  action?: string | (() => Promise<string>);
};

/**
 * Every API route handler starts here. It identifies the caller (session cookie, auth proxy
 * headers, ...), refuses cross-site state changes and callers without the needed role, and
 * records each 403 in the audit log (floods folded, 429 past the per-actor limit). Throws AppError
 * UNAUTHENTICATED (401), FORBIDDEN (403) or RATE_LIMITED (429).
 */
export async function requestContext(request: Request, { need, action }: ContextOptions): Promise<RequestContext> {
  const requestId = requestIdOf(request.headers);
  const config = getDeps().auth();
  const clientAddress = clientAddressOf({ headers: request.headers, peer: peerAddress(request.headers), trusted: config.trustedProxies });
  const identity = await identify(request.headers, config);

  const refuse = async (actor: { id: string; email: string | null; role: Role | null }, message: string): Promise<never> => {
    const { pathname } = new URL(request.url);
    const attempted = typeof action === "function" ? await action() : action;
    const { retryAfterSeconds } = await recordRefusal({ actor, method: request.method, path: pathname, action: attempted, message, requestId, clientAddress });
    if (retryAfterSeconds !== null) {
      throw new AppError("RATE_LIMITED", `too many refused requests; try again in ${retryAfterSeconds} s (${message})`, { retryAfterSeconds });
    }
    throw new AppError("FORBIDDEN", message);
  };
  const known = identity.status === "signed-in" ? identity.actor : identity.status === "no-role" ? { ...identity.user, role: null } : null;

  const origin = checkSameOrigin({ method: request.method, headers: request.headers, expectedOrigin: config.publicUrl?.origin ?? null });
  if (!origin.ok) {
    if (known) await refuse(known, origin.reason);
    throw new AppError("FORBIDDEN", origin.reason);
  }
  if (identity.status === "anonymous") throw new AppError("UNAUTHENTICATED", `sign in first: ${identity.reason}`);
  if (identity.status === "no-role") return refuse(known!, `this needs the ${need} role; ${identity.reason}`);
  if (!hasRole(identity.actor.role, need)) {
    return refuse(identity.actor, `this needs the ${need} role; you are signed in as ${identity.actor.id} with the ${identity.actor.role} role`);
  }
  return { actor: identity.actor, requestId, clientAddress };
}
