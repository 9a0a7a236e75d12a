"use client";

import { useState } from "react";
import styles from "@/components/auth/auth.module.css";
import type { DemoUser } from "@/lib/auth/demo-users";
import { ROLES, type Role } from "@/lib/domain/roles";

const ROLE_HINT: Record<Role, string> = {
  viewer: "looks",
  operator: "acts on rollouts",
  admin: "defines rollouts",
};

/** A plain form POST (works without JavaScript); picking a person suggests their usual role. */
export function DemoSignInForm({ users, returnTo }: { users: readonly DemoUser[]; returnTo: string }) {
  const [userId, setUserId] = useState(users[0]?.id ?? "");
  const [role, setRole] = useState<Role>(users[0]?.role ?? "viewer");
  return (
    <form method="post" action="/api/auth/demo">
      <input type="hidden" name="returnTo" value={returnTo} />
      <fieldset className={styles.choices}>
        <legend>Demo user</legend>
        {users.map((user) => (
          <label key={user.id} className={styles.choice}>
            <input
              type="radio"
              name="user"
              value={user.id}
              checked={userId === user.id}
              onChange={() => {
                setUserId(user.id);
                setRole(user.role);
              }}
            />
            <span>
              <strong>{user.name}</strong>
              <small>{user.blurb}</small>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className={styles.choices}>
        <legend>Role</legend>
        <div className={styles.roles}>
          {ROLES.map((option) => (
            <label key={option} className={styles.choice}>
              <input type="radio" name="role" value={option} checked={role === option} onChange={() => setRole(option)} />
              <span>
                <strong>{option}</strong>
                <small>{ROLE_HINT[option]}</small>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <button type="submit" className={`button button-primary ${styles.wide}`}>
        Sign in
      </button>
    </form>
  );
}
