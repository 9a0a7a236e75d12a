import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { AuthConfig } from "./config";
import { identify, type Identity } from "./identify";
import { hasRole, type Role } from "../domain/roles";
import { signInPath } from "./session-response";
import type { SessionView } from "../contracts/session";

/**
 * Server components' view of the signed-in user. proxy.ts already sends anonymous visitors to
 * /signin; these helpers let a page ask for more than "signed in".
 */
export async function currentIdentity(config: AuthConfig): Promise<Identity> {
  return identify(await headers(), config);
}

export type PageAccess = { session: SessionView; allowed: boolean; reason: string | null };

/**
 * For pages that need a role: redirects to sign-in when nobody is signed in, and otherwise says
 * whether the role suffices, so the page can explain instead of showing a form that will fail.
 *   const { allowed, reason } = await requirePageRole({ config: getDeps().auth(), need: "admin", returnTo: "/rollouts/new" });
 */
export async function requirePageRole({ config, need, returnTo }: { config: AuthConfig; need: Role; returnTo: string }): Promise<PageAccess> {
  const identity = await currentIdentity(config);
  if (identity.status === "anonymous") redirect(signInPath(returnTo));
  if (identity.status === "no-role") redirect(signInPath(returnTo, "no-role"));
  const allowed = hasRole(identity.view.role, need);
  return { session: identity.view, allowed, reason: allowed ? null : `This page needs the ${need} role; your role is ${identity.view.role}.` };
}
