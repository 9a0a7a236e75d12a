/**
 * Who is acting. Sign-in (OIDC, auth proxy, demo users) and roles are not built yet; until
 * then every request acts as one local user, and the audit log says so plainly.
 */
export type Role = "viewer" | "operator" | "admin";

export type Actor = { id: string; email: string | null; role: Role };

export const LOCAL_ACTOR: Actor = { id: "local-user", email: null, role: "admin" };

export function actorFromRequest(_request: Request): Actor {
  return LOCAL_ACTOR;
}
