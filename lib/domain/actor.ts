import type { Role } from "./roles";

export type { Role } from "./roles";

/**
 * Who is acting, as the audit log records it. `id` is stable (the OIDC `sub`, the auth proxy's
 * user, or a demo user's id); `name` is for display only.
 */
export type Actor = { id: string; email: string | null; role: Role; name?: string };

/** The only actor of AVIARY_AUTH_MODE=none, which exists for tests and is refused in production. */
export const LOCAL_ACTOR: Actor = { id: "local-user", email: null, role: "admin", name: "Local user" };

/** Automated analysis (lib/background/analysis-task.ts) acts as this actor, in the audit log and on the pages. */
export const ANALYSIS_ACTOR: Actor = { id: "aviary-analysis", email: null, role: "operator", name: "Aviary analysis" };

/** Who asked for something, as use cases and the audit log need it: the actor, the request's id, its client's address. */
export type RequestContext = { actor: Actor; requestId: string; clientAddress: string | null };
