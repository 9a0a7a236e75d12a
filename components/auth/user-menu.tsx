"use client";

import { useEffect, useId, useRef, useState } from "react";
import type { Role } from "@/lib/domain/roles";
import type { SessionView } from "@/lib/contracts/session";
import styles from "./auth.module.css";

const ROLE_MEANS: Record<Role, string> = {
  viewer: "can see every rollout, its metrics and its audit trail",
  operator: "can also start, promote, pause, resume, roll back and adopt",
  admin: "can also create, edit and archive rollouts and change settings",
};

const MODE_LABEL: Record<SessionView["mode"], string> = {
  oidc: "single sign-on",
  proxy: "your organisation's sign-in proxy",
  demo: "demo sign-in",
  none: "no sign-in (tests only)",
};

/** The signed-in user in the top bar: name and role at a glance, details and sign-out on click. */
export function UserMenu({ session }: { session: SessionView }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const { user, role } = session;
  return (
    <div className={styles.menu} ref={root}>
      <button
        type="button"
        className={styles.menuButton}
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Account: ${user.name}, ${role}`}
        onClick={() => setOpen((value) => !value)}
      >
        <span className={styles.avatar} aria-hidden="true">
          {initials(user.name)}
        </span>
        <span>{user.name}</span>
        <span className={styles.role}>{role}</span>
      </button>
      {open ? (
        <div id={panelId} className={styles.panel} role="group" aria-label="Account">
          <p>
            <strong>{user.name}</strong>
          </p>
          <dl>
            {user.email ? (
              <>
                <dt>Email</dt>
                <dd>{user.email}</dd>
              </>
            ) : null}
            <dt>Role</dt>
            <dd>
              {role}: {ROLE_MEANS[role]}
            </dd>
            <dt>Signed in with</dt>
            <dd>{MODE_LABEL[session.mode]}</dd>
          </dl>
          {session.signOut?.kind === "post" ? (
            <form method="post" action={session.signOut.action}>
              <button type="submit" className={`button ${styles.signOut}`}>
                Sign out
              </button>
            </form>
          ) : session.signOut?.kind === "link" ? (
            <a className={`button ${styles.signOut}`} href={session.signOut.href}>
              Sign out
            </a>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function initials(name: string): string {
  const parts = name.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? "") : "")).toUpperCase();
}
