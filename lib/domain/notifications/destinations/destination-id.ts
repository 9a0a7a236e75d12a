import { isDestinationKind, type DestinationKind } from "./registry";

/**
 * How the outbox names a destination without its URL: `global:<kind>` for the environment's,
 * `rollout:<kind>:<digest of the URL>` for a rollout's own (`global:slack`,
 * `rollout:webhook:3f2a…`). Written and read only here.
 */
export type DestinationId = { scope: "global"; kind: DestinationKind } | { scope: "rollout"; kind: DestinationKind; digest: string };

export function formatDestinationId(id: DestinationId): string {
  return id.scope === "global" ? `global:${id.kind}` : `rollout:${id.kind}:${id.digest}`;
}

/** The parts of a stored id, or null for one this version cannot read (a kind since removed, a hand-edited row). */
export function parseDestinationId(id: string): DestinationId | null {
  const [scope, kind, digest, ...rest] = id.split(":");
  if (kind === undefined || !isDestinationKind(kind) || rest.length > 0) return null;
  if (scope === "global" && digest === undefined) return { scope, kind };
  if (scope === "rollout" && digest && /^[0-9a-f]+$/.test(digest)) return { scope, kind, digest };
  return null;
}
