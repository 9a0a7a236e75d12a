"use client";

import { createContext, useContext, type ReactNode } from "react";
import { can, denialReason, type Permission } from "../domain/roles";
import type { SessionView } from "../contracts/session";

/**
 * The signed-in user for client components. The dashboard layout resolves the session on the
 * server and provides it here, so buttons can be disabled with a reason on first paint:
 *
 *   const session = useSession();
 *   const reason = session.reason("rollouts.act", "roll back");   // "Your role is viewer; operators can roll back."
 *   <button disabled={reason !== null} title={reason ?? undefined}>Roll back</button>
 *
 * The server enforces the same rules (requestContext); this only spares a pointless click.
 */
const SessionContext = createContext<SessionView | null>(null);

export function SessionProvider({ session, children }: { session: SessionView | null; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export type UseSession = {
  session: SessionView | null;
  can: (permission: Permission) => boolean;
  /** null when allowed, else the sentence to show next to the disabled control. */
  reason: (permission: Permission, doing: string) => string | null;
};

export function useSession(): UseSession {
  const session = useContext(SessionContext);
  const role = session?.role ?? null;
  return {
    session,
    can: (permission) => can(role, permission),
    reason: (permission, doing) => denialReason(role, permission, doing),
  };
}
