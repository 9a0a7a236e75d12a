import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { DemoBanner } from "@/components/auth/demo-banner";
import { isDemoMode } from "@/lib/auth/config";
import { getDeps } from "@/lib/composition/deps";
import { UserMenu } from "@/components/auth/user-menu";
import { can, hasRole } from "@/lib/domain/roles";
import { currentIdentity } from "@/lib/auth/session";
import { signInPath } from "@/lib/auth/session-response";
import { SessionProvider } from "@/lib/client/use-session";
import "./dashboard.css";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // proxy.ts already sent anonymous visitors to sign in; this is the second lock on the door.
  const auth = getDeps().auth;
  const identity = await currentIdentity(auth());
  if (identity.status === "anonymous") redirect(signInPath());
  if (identity.status === "no-role") redirect(signInPath(undefined, "no-role"));
  const session = identity.view;
  return (
    <SessionProvider session={session}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <DemoBanner demo={isDemoMode(auth)} />
      <header className="topbar">
        <Link href="/" className="brand" aria-label="Aviary home">
          <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M4 14c3-1 5-4 6-8 2 3 5 4 9 4-2 3-5 6-10 7l-3 3-1-4-1-2z" fill="currentColor" />
          </svg>
          Aviary
        </Link>
        <nav aria-label="Main">
          <Link href="/">Rollouts</Link>
          <Link href="/history">History</Link>
          <Link href="/audit">Audit log</Link>
          <Link href="/freeze-windows">Freeze windows</Link>
          {can(session.role, "rollouts.define") ? <Link href="/rollouts/new">New rollout</Link> : null}
          {hasRole(session.role, "admin") ? <Link href="/settings">Settings</Link> : null}
        </nav>
        <UserMenu session={session} />
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </SessionProvider>
  );
}
