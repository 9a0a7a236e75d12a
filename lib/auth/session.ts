import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { identify, type Identity } from "./identify";
import { hasRole, type Role } from "../domain/roles";
import { signInPath } from "./session-response";
import type { SessionView } from "../contracts/session";

/**
 * Server components' view of the signed-in user. proxy.ts already sends anonymous visitors to
 * /signin; these helpers let a page ask for more than "signed in".
 */
export async function currentIdentity(): Promise<Identity> {
  return identify(await headers());
}

/** The session for the user menu and useSession(), or null when nobody is signed in. */
export async function getSession(): Promise<SessionView | null> {
  const identity = await currentIdentity();
  return identity.status === "signed-in" ? identity.view : null;
}

export type PageAccess = { session: SessionView; allowed: boolean; reason: string | null };

/**
 * For pages that need a role: redirects to sign-in when nobody is signed in, and otherwise says
 * whether the role suffices, so the page can explain instead of showing a form that will fail.
 *   const { allowed, reason } = await requirePageRole({ need: "admin", returnTo: "/rollouts/new" });
 */
export async function requirePageRole({ need, returnTo }: { need: Role; returnTo: string }): Promise<PageAccess> {
  const identity = await currentIdentity();
  if (identity.status === "anonymous") redirect(signInPath(returnTo));
  if (identity.status === "no-role") redirect(signInPath(returnTo, "no-role"));
  const allowed = hasRole(identity.view.role, need);
  return { session: identity.view, allowed, reason: allowed ? null : `This page needs the ${need} role; your role is ${identity.view.role}.` };
}
