import { z } from "zod";
import { decodeEventCursor, type EventCursor } from "./cursor";
import { AUDIT_OUTCOMES } from "./entry";
import { cleanParams, commonShape, DEFAULT_PAGE_SIZE, list, MAX_LIST_LENGTH, parseFilterQuery, text } from "./filter-fields";

/**
 * The audit log's filters (/audit, GET /api/audit-events, the export). All given filters must
 * hold (AND); a list (`action=promote,promote_full`) matches any of its values.
 *  - rollout: a rollout's id, or its name (in any namespace)
 *  - namespace, service: the rollout's namespace and VirtualService, exact
 *  - actor: the actor's id or e-mail, exact
 *  - from, to: inclusive, on the wall clock of `tz` (default UTC)
 *  - q: case-insensitive substring of the reason, the error message, the actor id or e-mail, or
 *    the rollout's name
 */
export const AUDIT_LOG_PARAMS = ["action", "outcome", "actor", "rollout", "namespace", "service", "from", "to", "tz", "q"] as const;

export type AuditLogFilter = {
  actions?: string[];
  outcomes?: string[];
  actor?: string;
  rolloutId?: string;
  rolloutName?: string;
  namespace?: string;
  service?: string;
  from?: Date;
  toExclusive?: Date;
  q?: string;
};

export type AuditLogQuery = {
  filter: AuditLogFilter;
  cursor: EventCursor | null;
  limit: number;
  /** The filter params as given (clean), for links to other pages and to the export. */
  params: Record<string, string>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ACTION = /^[a-z][a-z0-9_]{0,39}$/;

const schema = z
  .strictObject({
    ...commonShape,
    action: z
      .string()
      .max(MAX_LIST_LENGTH, { error: `action must be at most ${MAX_LIST_LENGTH} characters` })
      .transform((value) =>
        value
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(ACTION, { error: "action must be an action name such as promote_full (lower case, digits and _)" }))),
    outcome: list("outcome", AUDIT_OUTCOMES),
    rollout: z
      .string()
      .trim()
      .refine((value) => UUID.test(value) || (value.length <= 63 && NAME.test(value)), {
        error: "rollout must be a rollout id (UUID) or a rollout name",
      }),
    namespace: text("namespace", 253),
    service: text("service", 253),
  })
  .partial();

export function parseAuditLogQuery(raw: Record<string, string | string[] | undefined>): AuditLogQuery {
  const { data, range, cursor: decoded } = parseFilterQuery(schema, raw, decodeEventCursor);
  const { action, outcome, actor, rollout, namespace, service, q, limit } = data;
  const filter: AuditLogFilter = {
    ...(action?.length ? { actions: action } : {}),
    ...(outcome?.length ? { outcomes: outcome } : {}),
    ...(actor ? { actor } : {}),
    ...(rollout ? (UUID.test(rollout) ? { rolloutId: rollout.toLowerCase() } : { rolloutName: rollout }) : {}),
    ...(namespace ? { namespace } : {}),
    ...(service ? { service } : {}),
    ...range,
    ...(q ? { q } : {}),
  };
  return { filter, cursor: decoded, limit: limit ?? DEFAULT_PAGE_SIZE, params: cleanParams(raw, AUDIT_LOG_PARAMS) };
}
