import Link from "next/link";
import type { ReactNode } from "react";
import { LOCAL_ACTOR } from "@/lib/auth/actor";

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <Link href="/" className="brand" aria-label="Aviary home">
          <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M4 14c3-1 5-4 6-8 2 3 5 4 9 4-2 3-5 6-10 7l-3 3-1-4-1-2z" fill="currentColor" />
          </svg>
          Aviary
        </Link>
        <nav aria-label="Main">
          <Link href="/">Rollouts</Link>
          <Link href="/rollouts/new">New rollout</Link>
        </nav>
        <span className="identity" title="Sign-in is not configured: every visitor acts as this local user.">
          {LOCAL_ACTOR.id} · {LOCAL_ACTOR.role}
        </span>
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
}
