import { LOCAL_ACTOR, type Actor } from "../domain/actor";
import type { AuthConfig, AuthMode } from "./config";
import { identityFromProxyHeaders } from "./proxy-headers";
import { roleForGroups } from "./role-mapping";
import { readCookie, SESSION_COOKIE, sessionSchema, unseal, type SessionUser } from "./session-cookie";
import type { SessionView } from "../contracts/session";

/**
 * Who is calling, from a request's headers, in every mode. The one function that proxy.ts,
 * requestContext (route handlers) and currentIdentity (server components) all use, so the three
 * cannot disagree.
 */
export type Identity =
  | { status: "signed-in"; mode: AuthMode; actor: Actor; view: SessionView }
  /** Authenticated, but none of the user's groups maps to a role (AVIARY_ROLE_GROUPS). */
  | { status: "no-role"; mode: AuthMode; user: SessionUser; reason: string }
  | { status: "anonymous"; mode: AuthMode; reason: string };

export async function identify(headers: Headers, config: AuthConfig): Promise<Identity> {
  const mode = config.mode;
  switch (config.mode) {
    case "none":
      return signedIn(config, { id: LOCAL_ACTOR.id, name: LOCAL_ACTOR.name ?? LOCAL_ACTOR.id, email: null }, LOCAL_ACTOR.role);
    case "proxy": {
      const found = identityFromProxyHeaders(config, headers);
      if (!found.ok) return { status: "anonymous", mode, reason: found.reason };
      const role = roleForGroups(config.roleGroups, found.groups);
      return role ? signedIn(config, found.user, role) : noRole(config, found.user);
    }
    case "oidc":
    case "demo": {
      const session = await unseal(
        "session",
        config.sessionSecret,
        readCookie(headers, SESSION_COOKIE, { hostOnly: config.publicUrl?.protocol === "https:" }),
        sessionSchema,
      );
      if (!session || session.kind !== mode) return { status: "anonymous", mode, reason: "not signed in (no valid session cookie)" };
      if (session.kind === "demo") return signedIn(config, session.user, session.role);
      const role = config.mode === "oidc" ? roleForGroups(config.roleGroups, session.groups) : null;
      return role ? signedIn(config, session.user, role) : noRole(config, session.user);
    }
  }
}

function signedIn(config: AuthConfig, user: SessionUser, role: Actor["role"]): Identity {
  return {
    status: "signed-in",
    mode: config.mode,
    actor: { id: user.id, email: user.email, role, name: user.name },
    view: { mode: config.mode, user, role, signOut: signOutFor(config) },
  };
}

function noRole(config: AuthConfig, user: SessionUser): Identity {
  return {
    status: "no-role",
    mode: config.mode,
    user,
    reason: `${user.email ?? user.id} is signed in but in none of the groups that grant an Aviary role (AVIARY_ROLE_GROUPS)`,
  };
}

function signOutFor(config: AuthConfig): SessionView["signOut"] {
  if (config.mode === "oidc" || config.mode === "demo") return { kind: "post", action: "/api/auth/logout" };
  if (config.mode === "proxy" && config.signOutUrl) return { kind: "link", href: config.signOutUrl };
  return null;
}
