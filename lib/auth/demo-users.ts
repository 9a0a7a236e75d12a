import type { Role } from "../domain/roles";

/**
 * The people of demo mode. Each comes with a suggested role; the sign-in page lets the visitor
 * pick any role for any of them, so every screen can be seen as every role.
 */
export type DemoUser = { id: string; name: string; email: string; role: Role; blurb: string };

export const DEMO_USERS: readonly DemoUser[] = [
  { id: "demo-dana", name: "Dana Reyes", email: "dana@demo.aviary.invalid", role: "admin", blurb: "SRE lead: defines rollouts and settings" },
  { id: "demo-omar", name: "Omar Haddad", email: "omar@demo.aviary.invalid", role: "operator", blurb: "On-call SRE: promotes, pauses and rolls back" },
  { id: "demo-vera", name: "Vera Lindqvist", email: "vera@demo.aviary.invalid", role: "viewer", blurb: "Product engineer: watches her canary" },
];

export function findDemoUser(id: string): DemoUser | undefined {
  return DEMO_USERS.find((user) => user.id === id);
}
