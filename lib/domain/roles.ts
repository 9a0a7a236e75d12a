/**
 * Roles and what they allow. Pure and client-safe: the server enforces with these, and the UI
 * uses the same table to disable a button and say why.
 *
 * Each role includes the ones below it: an admin can do everything an operator can.
 */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** true when `role` is `need` or above it. */
export function hasRole(role: Role | null | undefined, need: Role): boolean {
  return role != null && RANK[role] >= RANK[need];
}

export const PERMISSIONS = {
  /** Read rollouts, their metrics, traffic and audit trail. */
  "rollouts.read": "viewer",
  /** start / promote / pause / resume / rollback / adopt. */
  "rollouts.act": "operator",
  /** Create, edit and archive rollout definitions. */
  "rollouts.define": "admin",
  "settings.edit": "admin",
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

export function roleFor(permission: Permission): Role {
  return PERMISSIONS[permission];
}

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return hasRole(role, PERMISSIONS[permission]);
}

const PLURAL: Record<Role, string> = { viewer: "viewers", operator: "operators", admin: "admins" };

/**
 * Why a button is disabled, or null when it is not: "Your role is viewer; operators can roll back."
 * `doing` is the verb phrase for the action ("roll back", "create rollouts").
 */
export function denialReason(role: Role | null | undefined, permission: Permission, doing: string): string | null {
  if (can(role, permission)) return null;
  const need = PERMISSIONS[permission];
  const who = role ? `Your role is ${role}` : "Your account has no Aviary role";
  return `${who}; ${PLURAL[need]} can ${doing}.`;
}
