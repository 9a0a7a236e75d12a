import type { Role } from "../domain/roles";

export const AUTH_MODES = ["oidc", "proxy", "demo", "none"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/**
 * What the browser may know about the signed-in user: handed from server components to client
 * components (useSession), never containing secrets or the raw groups.
 */
export type SessionView = {
  mode: AuthMode;
  user: { id: string; name: string; email: string | null };
  role: Role;
  /** Where "Sign out" goes; null when Aviary cannot sign you out (proxy mode without a sign-out URL, or no sign-in at all). */
  signOut: { kind: "post"; action: string } | { kind: "link"; href: string } | null;
};
