import { z } from "zod";
import { ROLES, type Role } from "../domain/roles";

/**
 * Which identity-provider groups grant which role, from AVIARY_ROLE_GROUPS:
 *   {"admin": ["sre-leads"], "operator": ["sre"], "viewer": ["*"]}
 * "*" matches every signed-in user. A user in several groups gets the highest role they map to;
 * a user in none gets no role and is refused (403), never silently made a viewer.
 */
export type RoleGroups = Partial<Record<Role, string[]>>;

export const ANY_GROUP = "*";

const groupName = z.string().trim().min(1, { error: "group names cannot be empty" }).max(256);
const roleGroupsSchema = z.partialRecord(
  z.enum(ROLES, { error: `roles are ${ROLES.join(", ")}` }),
  z.array(groupName, { error: "each role maps to a list of group names" }),
);

export const ROLE_GROUPS_EXAMPLE = '{"admin":["sre-leads"],"operator":["sre"],"viewer":["*"]}';

/** Parses the JSON text; throws an Error whose message names the problem (not the variable). */
export function parseRoleGroups(text: string): RoleGroups {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message}); example: ${ROLE_GROUPS_EXAMPLE}`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`expected a JSON object such as ${ROLE_GROUPS_EXAMPLE}`);
  const unknownRole = Object.keys(raw).find((key) => !(ROLES as readonly string[]).includes(key));
  if (unknownRole !== undefined) throw new Error(`unknown role "${unknownRole}" (roles are ${ROLES.join(", ")})`);
  const result = roleGroupsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${issue?.path.join(".") || "value"}: ${issue?.message}`);
  }
  if (Object.values(result.data).every((groups) => groups.length === 0)) {
    throw new Error(`maps no group to any role, so nobody could sign in; example: ${ROLE_GROUPS_EXAMPLE}`);
  }
  return result.data;
}

/** The highest role any of `groups` grants, or null. */
export function roleForGroups(mapping: RoleGroups, groups: readonly string[]): Role | null {
  const held = new Set(groups);
  for (const role of [...ROLES].reverse()) {
    const granted = mapping[role] ?? [];
    if (granted.includes(ANY_GROUP) || granted.some((group) => held.has(group))) return role;
  }
  return null;
}

/**
 * The groups worth keeping in a session cookie: the ones the mapping mentions. Identity providers
 * can send hundreds of groups, and a cookie holds 4 KB.
 */
export function relevantGroups(mapping: RoleGroups, groups: readonly string[]): string[] {
  const mentioned = new Set(Object.values(mapping).flat());
  return [...new Set(groups)].filter((group) => mentioned.has(group));
}

/** Every group that grants at least `role`, for "ask to be added to ..." messages. */
export function groupsGranting(mapping: RoleGroups, role: Role): string[] {
  const from = ROLES.indexOf(role);
  return ROLES.slice(from).flatMap((r) => mapping[r] ?? []);
}
